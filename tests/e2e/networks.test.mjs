// Bad networks: each of Assent's files in turn answering 500, cut off mid-body, or
// held a while and then sent; and a slow 3G connection with high latency (CDP
// emulation, Chromium only). The page never breaks, nothing gated runs without
// consent, a returning visitor's allowed tags still run once the loader itself has
// arrived, the banner appears once its files do, and `ready` rejects with the reason
// when a file the runtime needs never comes whole.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, serve } from './harness.mjs';
import { gatedPage, SMALL } from './pages.mjs';

const banner = '[data-assent-ui="banner"]';
const runs = (page) => page.evaluate(() => ({ inline: window.inlineRuns || 0, external: window.externalRuns || 0 }));
const record = () => JSON.stringify({
  schema: 1, policyVersion: SMALL.policyVersion, configDigest: SMALL.digest,
  consentId: '0f8c2a4e-3b1d-4c5e-9f60-718293a4b5c6', createdAt: 1, updatedAt: 1,
  expiresAt: 8_000_000_000_000, language: 'en', method: 'banner',
  decisions: { necessary: true, analytics: true, marketing: true },
});

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A server for the gated page whose `target` file (a path ending) answers with
 * `fault`: `500`, `cut` (half its bytes, then the connection closes) or `held`
 * (sent whole after 600 ms). The real bytes are read from the same server first. */
async function faulty(target, fault) {
  let armed = null;
  const server = await serve({
    pages: { '/': gatedPage({ body: '<button id="own" onclick="window.clicked = true">page</button>' }) },
    handler: async (req, res, url) => {
      if (!armed || !url.pathname.endsWith(target)) return false;
      if (fault === '500') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('server error');
      } else if (fault === 'cut') {
        res.writeHead(200, { 'content-type': armed.type, 'content-length': armed.bytes.length });
        res.write(armed.bytes.subarray(0, armed.bytes.length >> 1), () => res.socket.destroy());
      } else {
        await new Promise((done) => setTimeout(done, 600));
        res.writeHead(200, { 'content-type': armed.type });
        res.end(armed.bytes);
      }
      return true;
    },
  });
  const probe = await open(browser.context, server.url + '/');
  await probe.evaluate(() => window.assent.ready.catch(() => {}));
  const path = server.requests.find((r) => r.endsWith(target));
  await probe.close();
  assert.ok(path, `a first visit fetches ${target}`);
  const response = await fetch(server.url + path);
  armed = { type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
  return server;
}

// What each file is to a page view: the loader itself, what the runtime needs, or
// what only the banner needs.
const FILES = {
  'assent.js': 'loader',
  'assent_runtime.js': 'runtime',
  'assent_runtime_bg.wasm': 'runtime',
  [`config.${SMALL.digest}.json`]: 'runtime',
  'banner.en.json': 'banner',
  'assent.css': 'banner',
};

describe('each file in turn answering 500, cut mid-body, or held', () => {
  for (const [file, role] of Object.entries(FILES)) {
    for (const fault of ['500', 'cut', 'held']) {
      it(`${file} ${fault}: the page works, nothing runs without consent, ${
        fault === 'held' || role === 'banner' ? 'the banner comes when its files do' : 'ready rejects with the reason'
      }; a returning visitor's tags ${role === 'loader' && fault !== 'held' ? 'stay inert with the loader gone' : 'still run'}`, async () => {
        const server = await faulty(file, fault);
        try {
          // A first visit.
          const page = await open(browser.context, server.url + '/');
          const outcome = await page.evaluate(() => Promise.race([
            window.assent.ready.then(() => 'ready', (e) => `rejected: ${e.message}`),
            new Promise((done) => setTimeout(() => done('pending'), 8000)),
          ]));
          if (fault === 'held' || role === 'banner') {
            assert.equal(outcome, 'ready', page.logs.join('\n'));
            await page.waitForSelector(banner, { state: 'visible' });
          } else {
            assert.match(outcome, /^rejected: ./, page.logs.join('\n'));
            assert.ok(page.logs.some((l) => /^(error|warning): assent: /.test(l)), page.logs.join('\n'));
            assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
          }
          assert.deepEqual(await runs(page), { inline: 0, external: 0 }, 'nothing before consent');
          await page.click('#own');
          assert.equal(await page.evaluate(() => window.clicked), true, 'the page works');
          assert.deepEqual(page.logs.filter((l) => l.startsWith('pageerror')), []);
          // A returning visitor with a record that counts.
          await page.evaluate((text) => localStorage.setItem('assent', text), record());
          await page.reload();
          const expected = role === 'loader' && fault !== 'held' ? 0 : 1;
          if (expected) await page.waitForFunction(() => window.inlineRuns === 1 && window.externalRuns === 1);
          else await page.waitForTimeout(1500);
          assert.deepEqual(await runs(page), { inline: expected, external: expected });
          assert.deepEqual(page.logs.filter((l) => l.startsWith('pageerror')), []);
          await page.evaluate(() => localStorage.clear());
          await page.close();
        } finally {
          await server.close();
        }
      });
    }
  }
});

describe('slow 3G with high latency (CDP emulation, Chromium)', () => {
  it('the banner comes, accept all runs the tags once, and a returning visitor\'s tags run; nothing breaks', async () => {
    const server = await serve({ pages: { '/': gatedPage() } });
    try {
      const page = await browser.context.newPage();
      const logs = [];
      page.on('pageerror', (e) => logs.push(e.message));
      const cdp = await browser.context.newCDPSession(page);
      // Chrome DevTools' "Slow 3G": 400 ms round trips, about 400 kbit/s down.
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000,
      });
      await page.goto(server.url + '/');
      await page.waitForSelector(banner, { state: 'visible', timeout: 15_000 });
      assert.deepEqual(await runs(page), { inline: 0, external: 0 });
      await page.click(`${banner} [data-assent-action="accept-all"]`);
      await page.waitForFunction(() => window.inlineRuns === 1 && window.externalRuns === 1, null, { timeout: 15_000 });
      await page.reload();
      await page.waitForFunction(() => window.inlineRuns === 1 && window.externalRuns === 1, null, { timeout: 15_000 });
      assert.equal(await page.evaluate(() => window.assent.get('analytics')), true);
      assert.equal(await page.$(banner), null, 'no banner for a returning visitor');
      assert.deepEqual(logs, []);
      await page.close();
    } finally {
      await server.close();
    }
  });
});
