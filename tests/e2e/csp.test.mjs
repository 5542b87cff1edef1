// Strict Content Security Policy: script-src 'self' 'wasm-unsafe-eval' 'nonce-...';
// style-src 'self'. No 'unsafe-inline', no 'unsafe-eval'. The demo runs under it with
// no violation, and gated inline scripts that carry no nonce receive the page's nonce
// (read by the stub from document.currentScript while it ran).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, SEED_BASE, serve, SMALL, snippetFor } from './harness.mjs';
import { demoHtml, startServer, strictCsp } from '../../scripts/serve.mjs';
import { stubHash } from '../../scripts/snippet.mjs';

let browser;
before(async () => {
  browser = await launch();
  await browser.context.addInitScript(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
});
after(async () => {
  await browser?.close();
});

describe('under a strict Content Security Policy', () => {
  it('the demo shows the banner, records a choice and runs its gated tags with no violation', async () => {
    const server = await startServer({ csp: true, keepAlive: false, html: demoHtml });
    const page = await open(browser.context, server.url + '/');
    await page.click('[data-assent-ui="banner"] [data-assent-action="accept-all"]');
    await page.waitForSelector('#tag-marketing.ran');
    await page.waitForSelector('#tag-analytics.ran');
    await page.click('[data-assent-action="preferences"]');
    await page.waitForSelector('[data-assent-ui="preferences"]', { state: 'visible' });
    assert.deepEqual(await page.evaluate(() => window.violations), []);
    assert.ok(!page.logs.some((l) => /Content Security Policy/.test(l)), page.logs.join('\n'));
    await page.close();
    await server.close();
  });

  it('gated inline and external scripts without a nonce run with the page nonce', async () => {
    const nonce = 'dGVzdC1ub25jZS0xMjM0';
    const html = `<!doctype html><html lang="en"><head>
${snippetFor(SMALL).replace('<script ', `<script nonce="${nonce}" `)}
</head><body>
<script type="text/plain" data-assent="analytics">window.inlineRuns = 1;</script>
<script type="text/plain" data-assent="analytics" data-src="/tags/external.js"></script>
</body></html>`;
    const server = await serve({
      handler: (req, res, url) => {
        if (url.pathname !== '/') return false;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': strictCsp(nonce) });
        res.end(html);
        return true;
      },
    });
    const page = await open(browser.context, server.url + '/');
    await page.click('[data-assent-ui="banner"] [data-assent-action="accept-all"]');
    await page.waitForFunction(() => window.inlineRuns === 1 && window.externalRuns === 1);
    assert.deepEqual(await page.evaluate(() => window.violations), []);
    await page.close();
    await server.close();
  });

  for (const [name, stub] of [
    ['the inline stub allowed by its published sha256', () => snippetFor(SMALL)],
    ['the stub as an external file', () => `<script src="${SEED_BASE}assent-stub.js" data-base="${SEED_BASE}" data-config="${SMALL.config}" data-config-digest="${SMALL.digest}" data-policy-version="test-1"></script>`],
  ]) {
    it(`${name}: no nonce needed, external gated scripts run`, async () => {
      const html = `<!doctype html><html lang="en"><head>${stub()}</head><body>
<script type="text/plain" data-assent="analytics" data-src="/tags/external.js"></script></body></html>`;
      const server = await serve({
        handler: (req, res, url) => {
          if (url.pathname !== '/') return false;
          res.writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': `script-src 'self' 'wasm-unsafe-eval' ${stubHash()}; style-src 'self'`,
          });
          res.end(html);
          return true;
        },
      });
      const page = await open(browser.context, server.url + '/');
      await page.click('[data-assent-ui="banner"] [data-assent-action="accept-all"]');
      await page.waitForFunction(() => window.externalRuns === 1);
      assert.deepEqual(await page.evaluate(() => window.violations), []);
      await page.close();
      await server.close();
    });
  }
});
