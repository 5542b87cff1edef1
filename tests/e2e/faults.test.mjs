// Faults: storage missing or throwing, the WebAssembly or the configuration failing
// to load, hostile text in the configuration, API misuse. Assent fails closed: nothing
// non-necessary runs, the page keeps working, the console says why.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { answerBuild, compileConfig, launch, open, SEED_BASE, serve, settled } from './harness.mjs';
import { gatedPage } from './pages.mjs';

const banner = '[data-assent-ui="banner"]';
const runs = (page) => page.evaluate(() => ({ inline: window.inlineRuns || 0, external: window.externalRuns || 0 }));

async function withBrowser(initScript, body) {
  const browser = await launch();
  if (initScript) await browser.context.addInitScript(initScript);
  try {
    await body(browser);
  } finally {
    await browser.close();
  }
}

describe('storage', () => {
  const cases = {
    'localStorage is null (Android WebView with DOM storage off)': () =>
      Object.defineProperty(window, 'localStorage', { get: () => null }),
    'localStorage throws on access (disabled, private mode)': () =>
      Object.defineProperty(window, 'localStorage', { get: () => { throw new DOMException('denied', 'SecurityError'); } }),
    // Firefox's corrupted-storage error, hardened WebViews, privacy extensions: the
    // getter answers, its methods throw (the runtime once trapped on this).
    'every localStorage method throws': () => {
      for (const name of ['getItem', 'setItem', 'removeItem', 'key', 'clear']) {
        Storage.prototype[name] = function () { throw new DOMException('corrupted', 'UnknownError'); };
      }
    },
    'localStorage reads throw, writes work': () => {
      Storage.prototype.getItem = function () { throw new DOMException('corrupted', 'UnknownError'); };
    },
    'localStorage refuses writes (quota exceeded)': () => {
      Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };
    },
  };
  for (const [name, init] of Object.entries(cases)) {
    it(`${name}: works for the page view from memory, says so once, still gates`, async () => {
      await withBrowser(init, async (browser) => {
        const server = await serve({ pages: { '/': gatedPage() } });
        const page = await open(browser.context, server.url + '/');
        assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
        await settled(page);
        assert.deepEqual(await runs(page), { inline: 0, external: 0 }, 'gated before a choice');
        await page.click(`${banner} [data-assent-action="accept-all"]`);
        await page.waitForFunction(() => window.externalRuns === 1);
        assert.equal(await page.evaluate(() => window.assent.get('analytics')), true, 'answered from memory');
        await page.evaluate(() => window.assent.set({ marketing: true }));
        const warnings = page.logs.filter((l) => l.startsWith('warning: assent:'));
        assert.equal(warnings.length, 1, `one warning: ${warnings}`);
        assert.match(warnings[0], /in memory for this page view/);
        assert.ok(!page.logs.some((l) => l.startsWith('pageerror')), page.logs.join('\n'));
        await page.close();
        await server.close();
      });
    });
  }
});

describe('loading', () => {
  for (const missing of [`${SEED_BASE}assent_runtime_bg.wasm`, `${SEED_BASE}assent.js`]) {
    it(`${missing} failing (404): gated elements stay inert, ready rejects, the page works`, async () => {
      await withBrowser(null, async (browser) => {
        const server = await serve({
          pages: { '/': gatedPage({ body: '<button id="own" onclick="window.clicked = true">page</button>' }) },
          handler: (req, res, url) => {
            if (url.pathname !== missing) return false;
            res.writeHead(404);
            res.end();
            return true;
          },
        });
        // A valid record would otherwise be honoured: failures must not grant.
        const page = await open(browser.context, server.url + '/');
        if (missing.endsWith('.wasm')) {
          const reason = await page.evaluate(() => window.assent.ready.then(() => 'ready', (e) => String(e)));
          assert.notEqual(reason, 'ready');
          assert.ok(page.logs.some((l) => l.includes('Nothing that needs consent will run')), page.logs.join('\n'));
        } else {
          await page.waitForTimeout(300);
        }
        assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
        assert.deepEqual(await runs(page), { inline: 0, external: 0 });
        await page.click('#own');
        assert.equal(await page.evaluate(() => window.clicked), true, 'the page itself keeps working');
        await page.close();
        await server.close();
      });
    });
  }
});

describe('a browser below the supported floor', () => {
  it('without WebAssembly: the stub keeps everything gated, loads nothing, says why', async () => {
    await withBrowser(() => { delete window.WebAssembly; }, async (browser) => {
      const server = await serve({ pages: { '/': gatedPage() } });
      const page = await open(browser.context, server.url + '/');
      const reason = await page.evaluate(() => window.assent.ready.then(() => 'ready', (e) => e.message));
      assert.match(reason, /browser unsupported/);
      assert.ok(page.logs.some((l) => l.startsWith('warning: assent: browser unsupported')), page.logs.join('\n'));
      assert.ok(!server.requests.some((r) => r.startsWith('/assent/')), 'no loader fetched');
      assert.deepEqual(await runs(page), { inline: 0, external: 0 });
      await page.close();
      await server.close();
    });
  });
});

describe('files that never arrive (data-timeout)', () => {
  /** A page with `data-timeout` (ms), and a server that holds the seed build's
   * `held` file unanswered until it closes. */
  const holding = (held, timeout) => serve({
    pages: {
      '/': gatedPage({ body: '<button id="own" onclick="window.clicked = true">page</button>' })
        .replace('<script data-base=', `<script data-timeout="${timeout}" data-base=`),
    },
    handler: (req, res, url) => url.pathname === `${SEED_BASE}${held}`,
  });

  it('the runtime held: ready rejects after the timeout with the reason, the early banner goes, nothing runs, the page works', async () => {
    await withBrowser(null, async (browser) => {
      const server = await holding('assent_runtime_bg.wasm', 1000);
      const page = await open(browser.context, server.url + '/');
      await page.waitForSelector(banner);
      const reason = await page.evaluate(() => window.assent.ready.then(() => 'ready', (e) => e.message));
      assert.match(reason, /the runtime or its compiled configuration did not arrive within 1000 ms \(data-timeout\)/);
      assert.equal(await page.$(banner), null, 'a banner that could record nothing is gone');
      assert.deepEqual(await runs(page), { inline: 0, external: 0 });
      assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
      await page.click('#own');
      assert.equal(await page.evaluate(() => window.clicked), true, 'the page works');
      assert.ok(page.logs.some((l) => l.startsWith('error: assent: the runtime or its compiled configuration did not arrive')), page.logs.join('\n'));
      await page.close();
      await server.close();
    });
  });

  it('the stylesheet held: the banner shows after the timeout, unstyled, and records a choice', async () => {
    await withBrowser(null, async (browser) => {
      // 3 s: the runtime (its first brotli compression by the test server included)
      // must arrive within it on a loaded machine; the stylesheet never does.
      const server = await holding('assent.css', 3000);
      // A stylesheet still loading holds the load event: wait for the DOM only.
      const page = await browser.context.newPage();
      await page.goto(server.url + '/', { waitUntil: 'domcontentloaded' });
      await settled(page);
      await page.waitForSelector(banner, { timeout: 8000 });
      assert.equal(await page.$eval(banner, (b) => getComputedStyle(b).position), 'static', 'no stylesheet');
      assert.equal(await page.$eval(banner, (b) => b.getAttribute('style')), null, 'no inline style');
      await page.click(`${banner} [data-assent-action="accept-all"]`);
      await page.waitForFunction(() => window.externalRuns === 1 && window.inlineRuns === 1);
      assert.equal(await page.evaluate(() => window.assent.get('analytics')), true);
      await page.close();
      await server.close();
    });
  });
});

describe('a runtime that traps', () => {
  it('a trap while recording a choice fails closed: nothing granted, get() undefined, the page keeps working, the console says why', async () => {
    const real = readFileSync(new URL('../../dist/assent_runtime.js', import.meta.url), 'utf8');
    // The runtime module as served: the real one, with `decide` trapping as a
    // WebAssembly instruction would (a RuntimeError out of the module).
    const proxy = `export * from './assent_runtime.real.js';
export { default } from './assent_runtime.real.js';
export function decide() { throw new WebAssembly.RuntimeError('unreachable'); }`;
    await withBrowser(null, async (browser) => {
      const server = await serve({
        pages: { '/': gatedPage({ body: '<button id="own" onclick="window.clicked = true">page</button>' }) },
        handler: (req, res, url) => {
          const body = url.pathname === `${SEED_BASE}assent_runtime.js` ? proxy
            : url.pathname === `${SEED_BASE}assent_runtime.real.js` ? real : null;
          if (body === null) return false;
          res.writeHead(200, { 'content-type': 'text/javascript' });
          res.end(body);
          return true;
        },
      });
      const page = await open(browser.context, server.url + '/');
      await settled(page);
      await page.click(`${banner} [data-assent-action="accept-all"]`);
      await page.waitForFunction(() => !document.querySelector('[data-assent-ui="banner"]'));
      await page.waitForTimeout(200);
      assert.deepEqual(await runs(page), { inline: 0, external: 0 });
      assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
      assert.equal(await page.evaluate(() => window.assent.state()), undefined);
      const api = await page.evaluate(() => window.assent.acceptAll().then(() => 'granted', (e) => e.message));
      assert.notEqual(api, 'granted');
      assert.equal(await page.evaluate(() => localStorage.getItem('assent')), null, 'nothing stored');
      await page.click('#own');
      assert.equal(await page.evaluate(() => window.clicked), true, 'the page works');
      assert.ok(page.logs.some((l) => l.startsWith('error: assent: the runtime stopped (unreachable)')), page.logs.join('\n'));
      assert.ok(!page.logs.some((l) => l.startsWith('pageerror')), page.logs.join('\n'));
      await page.close();
      await server.close();
    });
  });
});

describe('a WebAssembly engine below the floor', () => {
  it('without the 0xFC instructions (bulk memory, non-trapping float-to-int): nothing loads or runs, not even for a returning visitor; ready rejects; one warning', async () => {
    const browser = await launch();
    try {
      const server = await serve({ pages: { '/': gatedPage() } });
      const first = await open(browser.context, server.url + '/');
      await first.click(`${banner} [data-assent-action="accept-all"]`);
      await first.waitForFunction(() => window.externalRuns === 1);
      await first.close();
      // The same profile (a valid stored record) in an engine whose decoder stops at
      // the 0xFC prefix, as Chrome 74 and Safari 14 did.
      await browser.context.addInitScript(() => {
        const validate = WebAssembly.validate;
        WebAssembly.validate = (bytes) => !new Uint8Array(bytes.buffer || bytes).includes(0xfc) && validate(bytes);
      });
      server.requests.length = 0;
      const page = await open(browser.context, server.url + '/');
      const reason = await page.evaluate(() => window.assent.ready.then(() => 'ready', (e) => e.message));
      assert.match(reason, /browser unsupported/);
      await page.waitForTimeout(200);
      assert.deepEqual(await runs(page), { inline: 0, external: 0 }, 'the stored record grants nothing here');
      assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
      assert.equal(await page.$(banner), null, 'no banner that could not record a decision');
      assert.deepEqual(server.requests.filter((r) => r.startsWith('/assent/')), [`${SEED_BASE}assent.js`], 'nothing but the loader');
      const warnings = page.logs.filter((l) => /^(warning|error): assent:/.test(l));
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.ok(!page.logs.some((l) => l.startsWith('pageerror')), page.logs.join('\n'));
      await page.close();
      await server.close();
    } finally {
      await browser.close();
    }
  });
});

describe('hostile configuration text', () => {
  it('HTML and script in every text field is shown as text and never runs', async () => {
    const small = JSON.parse(readFileSync(new URL('../fixtures/small-config.json', import.meta.url), 'utf8'));
    const payload = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    const poison = (value) => {
      if (Array.isArray(value)) return value.map(poison);
      if (value && typeof value === 'object') {
        if ('zh-CN' in value && 'en' in value) return { 'zh-CN': value['zh-CN'] + payload, en: value.en + payload };
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poison(v)]));
      }
      return value;
    };
    const config = poison(small);
    await withBrowser(null, async (browser) => {
      const server = await serve({
        pages: { '/': gatedPage({ config: `/poison/${compileConfig(config).configFile}`, digest: compileConfig(config).digest }) },
        handler: (req, res, url) => answerBuild(compileConfig(config), '/poison/', url, res),
      });
      const page = await open(browser.context, server.url + '/');
      await page.click(`${banner} [data-assent-action="customise"]`);
      await page.waitForSelector('[data-assent-ui="preferences"]');
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
      await page.waitForTimeout(200);
      assert.equal(await page.evaluate(() => window.pwned), undefined);
      assert.equal(await page.locator('#assent-root img, #assent-root script').count(), 0, 'no element from text');
      assert.ok((await page.textContent('[data-assent-ui="preferences"]')).includes('<script>window.pwned=2</script>'));
      await page.close();
      await server.close();
    });
  });
});

describe('API misuse', () => {
  it('wrong ids and argument types: a clear message, no exception into the page, nothing granted', async () => {
    await withBrowser(null, async (browser) => {
      const server = await serve({ pages: { '/': gatedPage() } });
      const page = await open(browser.context, server.url + '/');
      await settled(page);
      const outcome = await page.evaluate(async () => {
        const results = [];
        const attempt = async (name, call) => {
          try {
            const value = await call();
            results.push(`${name}: resolved ${JSON.stringify(value ?? null)?.slice(0, 20)}`);
          } catch (error) {
            results.push(`${name}: rejected`);
          }
        };
        await attempt('get(42)', () => window.assent.get(42));
        await attempt('get(unknown)', () => window.assent.get('nope'));
        await attempt('set(string)', () => window.assent.set('analytics'));
        await attempt('set(non-boolean)', () => window.assent.set({ analytics: 'yes' }));
        await attempt('set(unknown id)', () => window.assent.set({ analytics: true, nope: true }));
        await attempt('set(necessary off)', () => window.assent.set({ necessary: false }));
        await attempt('on(no function)', () => window.assent.on('change', 'x'));
        return results;
      });
      assert.deepEqual(outcome, [
        'get(42): resolved null',
        'get(unknown): resolved null',
        'set(string): rejected',
        'set(non-boolean): rejected',
        'set(unknown id): rejected',
        'set(necessary off): rejected',
        'on(no function): resolved null',
      ]);
      assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined, 'nothing granted');
      assert.equal(await page.evaluate(() => localStorage.getItem('assent')), null, 'nothing written');
      assert.ok(page.logs.filter((l) => l.startsWith('error: assent:')).length >= 5, page.logs.join('\n'));
      assert.ok(!page.logs.some((l) => l.startsWith('pageerror')));
      await page.close();
      await server.close();
    });
  });
});
