// The core end-to-end scenarios, written once against the small driver interface
// (driver.mjs) and run in each engine: Chromium (playwright-core), Firefox
// (puppeteer-core over WebDriver BiDi) and WebKit (selenium-webdriver and
// WebKitWebDriver). First visit, accept, reject, a return visit gated early from the
// stored record, the preferences by keyboard, withdrawal clearing storage (a listed
// cookie on every ancestor path, domain and attribute the engine keeps), a decision
// reaching another tab, placeholders, explain, a strict CSP, broken storage, files
// failing to arrive, and a page without the built-ins newer than the floor.
//
// Chromium-only checks stay in tests/e2e/ (CPU throttling, axe, CDP network
// emulation, init-script faults). An engine that is not installed is skipped with a
// loud message, or fails the run when CI is set. ENGINES=firefox,webkit runs some.
// Prints the engines' versions, a pass count per engine and which cookie attributes
// each engine's withdrawal was tested with at the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileConfig, SEED_BASE, snippetFor } from '../e2e/harness.mjs';
import { SMALL, STRIP } from '../e2e/pages.mjs';
import { ENGINES, launch, missing } from './driver.mjs';
import { page, probed, site } from './site.mjs';

const banner = '[data-assent-ui="banner"]';
const prefs = '[data-assent-ui="preferences"]';
const notice = '[data-assent-ui="explain"]';

// In-page checks, each a function evaluate() and waitFor() send to the page.
const shown = (selector) => Boolean(document.querySelector(selector)?.getClientRects().length);
const gone = (selector) => !document.querySelector(selector);
const runCounts = () => ({ inline: window.inlineRuns || 0, external: window.externalRuns || 0 });
const ranOnce = () => window.inlineRuns === 1 && window.externalRuns === 1;
const get = (id) => window.assent.get(id);
const readiness = () => window.assent.ready.then(() => 'ready', (e) => `failed: ${e.message}`);
const logs = () => window.probe.logs;
const focusedIn = (selector) => Boolean(document.querySelector(selector)?.contains(document.activeElement));

const fetched = (server, path) => server.requests.filter((r) => r === path).length;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits, in node, until `condition()` holds; fails after 10 s. */
async function until(condition) {
  for (const deadline = Date.now() + 10000; !condition(); await pause(50)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${condition}`);
  }
}

/** Runs `body({ server, open })` against a fresh site (site.mjs options); `open(path,
 * host)` opens a tab there (`host`: a name under localhost, which every engine
 * resolves to the loopback address, instead of 127.0.0.1). Closes every tab it opened
 * and the server, pass or fail. */
async function visit(engine, options, body) {
  const server = await site(options);
  const tabs = [];
  const open = async (path = '/', host = '127.0.0.1') => {
    const tab = await engine.newTab();
    tabs.push(tab);
    await tab.goto(server.url.replace('127.0.0.1', host) + path);
    return tab;
  };
  try {
    await body({ server, open });
  } finally {
    for (const tab of tabs) await tab.close().catch(() => {});
    await server.close();
  }
}

/** No uncaught error and no Assent error in the page's log. */
async function noErrors(tab) {
  const lines = await tab.evaluate(logs);
  assert.ok(!lines.some((l) => l.startsWith('pageerror') || l.startsWith('error: assent')), lines.join('\n'));
}

const small = JSON.parse(readFileSync(new URL('../fixtures/small-config.json', import.meta.url), 'utf8'));
// The small configuration with storage listed for analytics, for withdrawal.
const withStorage = compileConfig({
  ...small,
  storage: [{
    id: 'stats-cookies', kind: 'cookie', name: { 'zh-CN': '统计 Cookie', en: 'Statistics cookies' },
    description: { 'zh-CN': '统计访问', en: 'Count visits' }, purposes: ['analytics'], keys: ['_stats*', '_sid', 'assent*'],
  }],
});
const WITH_STORAGE = { config: `/storage/${withStorage.configFile}`, digest: withStorage.digest, policyVersion: SMALL.policyVersion };

// Cookies a withdrawal of analytics must delete (the configuration lists `_stats*`,
// `__Host-stats` and `__Secure-stats`), set from a page at /shop/cart/item.html on
// shop.app.localhost, and two it must keep. `attribute` names what each one tests.
const COOKIES = [
  ['path /', '_stats_root=1; path=/'],
  ['an ancestor path', '_stats_shop=1; path=/shop'],
  ['an ancestor path with a trailing slash', '_stats_shop_slash=1; path=/shop/'],
  ["the page's default path", '_stats_default=1'],
  ["the page's own path", '_stats_page=1; path=/shop/cart/item.html'],
  ['the host as Domain', '_stats_host=1; path=/; domain=shop.app.localhost'],
  ['a parent domain', '_stats_parent=1; path=/shop; domain=app.localhost'],
  ['Secure', '_stats_secure=1; path=/; Secure'],
  ['__Host-', '__Host-stats=1; path=/; Secure'],
  ['__Secure- on a parent domain', '__Secure-stats=1; path=/shop; domain=app.localhost; Secure'],
  ['Partitioned', '_stats_partitioned=1; path=/; Secure; Partitioned'],
].map(([attribute, cookie]) => ({ attribute, cookie, name: cookie.split('=')[0] }));
/** What must survive: not listed. */
const KEPT = ['keep_parent=1; path=/; domain=app.localhost', 'keep=1; path=/shop'];
const withCookies = compileConfig({
  ...small,
  storage: [{
    id: 'stats-cookies', kind: 'cookie', name: { 'zh-CN': '统计 Cookie', en: 'Statistics cookies' },
    description: { 'zh-CN': '统计访问', en: 'Count visits' }, purposes: ['analytics'], keys: ['_stats*', '__Host-stats', '__Secure-stats'],
  }],
});
const WITH_COOKIES = { config: `/cookies/${withCookies.configFile}`, digest: withCookies.digest, policyVersion: SMALL.policyVersion };
/** Per engine, the cookie attributes it kept when set and withdrawal then cleared
 * (printed at the end; README, Withdrawal). */
const cookiesCleared = {};

/** Inline scripts, put first in the page, that break localStorage as browsers and
 * WebViews do. */
const BROKEN_STORAGE = {
  'localStorage is null (Android WebView with DOM storage off)':
    "Object.defineProperty(window, 'localStorage', { get: function () { return null; } });",
  'every localStorage method throws (corrupted storage)':
    "['getItem', 'setItem', 'removeItem', 'key', 'clear'].forEach(function (name) {" +
    " Storage.prototype[name] = function () { throw new DOMException('corrupted', 'UnknownError'); }; });",
  'localStorage refuses writes (quota exceeded)':
    "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };",
};

/** Server faults on the runtime's WebAssembly, with the reason ready rejects with
 * (a cut body's is each engine's own network error). */
const RUNTIME_FAULTS = {
  'answering 500': [{ status: 500 }, /500 Internal Server Error fetching '.*assent_runtime_bg\.wasm'/],
  'cut off halfway': [{ cut: true }, /./],
  'held past data-timeout': [{ hold: true }, /did not arrive within 1000 ms \(data-timeout\)/],
};

const SCENARIOS = {
  async 'first visit: the banner asks, gated tags neither run nor load'(engine) {
    await visit(engine, { pages: { '/': page() } }, async ({ server, open }) => {
      const tab = await open();
      await tab.waitFor(shown, banner);
      assert.equal(await tab.evaluate(readiness), 'ready');
      assert.deepEqual(await tab.evaluate(runCounts), { inline: 0, external: 0 });
      assert.equal(fetched(server, '/tags/external.js'), 0);
      assert.equal(await tab.evaluate(get, 'analytics'), undefined);
      assert.equal(await tab.evaluate(get, 'necessary'), true);
      await noErrors(tab);
    });
  },

  async 'accept all: each gated tag runs once, in order, and the banner closes'(engine) {
    await visit(engine, { pages: { '/': page() } }, async ({ server, open }) => {
      const tab = await open();
      await tab.click(`${banner} [data-assent-action="accept-all"]`);
      await tab.waitFor(ranOnce);
      assert.deepEqual(await tab.evaluate(() => window.runOrder), ['inline', 'external']);
      await tab.waitFor(gone, banner);
      assert.equal(await tab.evaluate(get, 'analytics'), true);
      await tab.evaluate(() => window.assent.acceptAll());
      await pause(200);
      assert.deepEqual(await tab.evaluate(runCounts), { inline: 1, external: 1 }, 'a second grant runs nothing again');
      assert.equal(fetched(server, '/tags/external.js'), 1);
      await noErrors(tab);
    });
  },

  async 'reject all: nothing runs, now or after a reload, and nothing asks again'(engine) {
    await visit(engine, { pages: { '/': page() } }, async ({ server, open }) => {
      const tab = await open();
      await tab.click(`${banner} [data-assent-action="reject-all"]`);
      await tab.waitFor(gone, banner);
      await tab.waitFor(() => window.assent.get('analytics') === false);
      await tab.reload();
      assert.equal(await tab.evaluate(readiness), 'ready');
      await pause(200);
      assert.deepEqual(await tab.evaluate(runCounts), { inline: 0, external: 0 });
      assert.equal(await tab.evaluate(shown, banner), false);
      assert.equal(fetched(server, '/tags/external.js'), 0);
      await noErrors(tab);
    });
  },

  async 'return visit: the stub answers and runs the allowed tags before the runtime arrives'(engine) {
    const head = '<script>window.earlyAnswer = window.assent.get("analytics");</script>';
    await visit(engine, { pages: { '/': page({ head }) } }, async ({ server, open }) => {
      const tab = await open();
      await tab.click(`${banner} [data-assent-action="accept-all"]`);
      await tab.waitFor(ranOnce);
      const wasm = `${SEED_BASE}assent_runtime_bg.wasm`;
      server.fault(wasm, { hold: true });
      await tab.reload();
      await tab.waitFor(ranOnce);
      assert.equal(server.pending(wasm), 1, 'ran while the runtime was held');
      assert.equal(await tab.evaluate(() => window.earlyAnswer), true, 'answered from the record in <head>');
      assert.equal(await tab.evaluate(get, 'analytics'), true);
      server.release();
      assert.equal(await tab.evaluate(readiness), 'ready');
      assert.deepEqual(await tab.evaluate(runCounts), { inline: 1, external: 1 }, 'once');
      assert.equal(await tab.evaluate(shown, banner), false);
      await noErrors(tab);
    });
  },

  async 'preferences by keyboard: focus moves in and stays, Space and Enter record a choice, Escape closes'(engine) {
    // A control of the page's own before the dialog: where Shift+Tab lands if it escapes.
    const body = '<button id="own">page</button>';
    await visit(engine, { pages: { '/': page({ gate: 'marketing', body }) } }, async ({ open }) => {
      const tab = await open();
      await tab.waitFor(shown, banner);
      await tab.evaluate((s) => document.querySelector(s).focus(), `${banner} [data-assent-action="customise"]`);
      await tab.keys('Enter');
      await tab.waitFor(focusedIn, prefs);
      for (let i = 0; i < 12; i++) {
        await tab.keys(i % 4 ? 'Tab' : 'Shift+Tab');
        assert.ok(await tab.evaluate(focusedIn, prefs), `focus left the dialog after ${i + 1} presses`);
      }
      // Tab to a control, at most 40 presses; true once it has focus.
      const tabTo = async (selector) => {
        for (let i = 0; i < 40; i++) {
          if (await tab.evaluate((s) => document.activeElement.matches(s), selector)) return true;
          await tab.keys('Tab');
        }
        return false;
      };
      assert.ok(await tabTo(`${prefs} input[data-assent-purpose="marketing"]`), 'the marketing switch is reachable');
      await tab.keys('Space');
      assert.equal(await tab.evaluate((s) => document.querySelector(s).checked, `${prefs} input[data-assent-purpose="marketing"]`), true);
      assert.ok(await tabTo(`${prefs} [data-assent-action="save"]`), 'save is reachable');
      await tab.keys('Enter');
      await tab.waitFor(ranOnce);
      assert.deepEqual([await tab.evaluate(get, 'marketing'), await tab.evaluate(get, 'analytics')], [true, false]);
      assert.equal(await tab.evaluate(() => window.assent.state().method), 'preferences');
      // Reopened from its control: Escape closes and gives focus back.
      await tab.waitFor(shown, '.assent-reopen');
      await tab.evaluate(() => document.querySelector('.assent-reopen').focus());
      await tab.keys('Enter');
      await tab.waitFor(focusedIn, prefs);
      await tab.keys('Escape');
      await tab.waitFor(gone, prefs);
      await tab.waitFor(() => document.activeElement.classList.contains('assent-reopen'));
      await noErrors(tab);
    });
  },

  async 'withdrawal: running tags are told what was revoked; the listed cookies and keys are cleared'(engine) {
    const body = '<script type="text/plain" data-assent="analytics">window.ran = (window.ran || 0) + 1;</script>';
    const pages = { '/': probed(`<!doctype html><html lang="en"><head><meta charset="utf-8">${snippetFor(WITH_STORAGE)}</head><body>${body}</body></html>`) };
    await visit(engine, { pages, builds: { '/storage/': withStorage } }, async ({ open }) => {
      const tab = await open();
      assert.equal(await tab.evaluate(readiness), 'ready');
      await tab.evaluate(() => window.assent.acceptAll());
      await tab.waitFor(() => window.ran === 1);
      await tab.evaluate(() => {
        document.cookie = '_stats_a=1; path=/';
        document.cookie = '_sid=2; path=/';
        document.cookie = 'keep=3; path=/';
        localStorage.setItem('_stats_x', '1');
        localStorage.setItem('other', '1');
        sessionStorage.setItem('_sid', '1');
      });
      const detail = await tab.evaluate(() => new Promise((resolve) => {
        window.assent.on('change', (d) => d.changed.length && resolve({ revoked: d.revoked }));
        window.assent.withdraw();
      }));
      assert.deepEqual(detail.revoked, ['ad-sdk', 'analytics', 'marketing', 'stats-sdk']);
      const left = await tab.evaluate(() => ({
        cookies: document.cookie.split('; ').filter((c) => /^(_stats_a|_sid|keep)=/.test(c)).sort(),
        local: Object.keys(localStorage).sort(),
        session: Object.keys(sessionStorage),
      }));
      // Assent's own keys survive a pattern that matches them.
      assert.deepEqual(left, { cookies: ['keep=3'], local: ['assent', 'assent.baseline', 'assent.history', 'other'], session: [] });
      assert.equal(await tab.evaluate(() => window.ran), 1, 'what ran is not undone without the opt-in reload');
      await tab.evaluate(() => { document.cookie = 'keep=; path=/; max-age=0'; });
      await noErrors(tab);
    });
  },

  async 'withdrawal: a listed cookie goes on every ancestor path, the host and its parent domains, Secure, prefixed and Partitioned'(engine) {
    const html = probed(`<!doctype html><html lang="en"><head><meta charset="utf-8">${snippetFor(WITH_COOKIES)}</head><body></body></html>`);
    await visit(engine, { pages: { '/shop/cart/item.html': html }, builds: { '/cookies/': withCookies } }, async ({ open }) => {
      const tab = await open('/shop/cart/item.html', 'shop.app.localhost');
      assert.equal(await tab.evaluate(readiness), 'ready');
      await tab.evaluate(() => window.assent.acceptAll());
      const names = () => document.cookie.split('; ').map((pair) => pair.split('=')[0]);
      const before = await tab.evaluate((cookies) => {
        cookies.forEach((cookie) => { document.cookie = cookie; });
        return document.cookie.split('; ').map((pair) => pair.split('=')[0]);
      }, [...COOKIES.map((c) => c.cookie), ...KEPT]);
      const kept = COOKIES.filter((c) => before.includes(c.name));
      // Every engine keeps cookies on paths and domains; Secure ones (and so the
      // prefixes and Partitioned) only some keep on plain http, even from localhost.
      const required = COOKIES.filter((c) => !/Secure/.test(c.cookie));
      assert.deepEqual(required.filter((c) => !kept.includes(c)).map((c) => c.attribute), [], 'set for the test');
      await tab.evaluate(() => window.assent.withdraw());
      const left = await tab.waitFor((listed, kept) => {
        const now = document.cookie.split('; ').map((pair) => pair.split('=')[0]);
        return listed.every((name) => !now.includes(name)) && now.filter((name) => kept.includes(name));
      }, kept.map((c) => c.name), ['keep', 'keep_parent']).catch(async (error) => {
        const now = await tab.evaluate(names);
        assert.fail(`not cleared: ${kept.filter((c) => now.includes(c.name)).map((c) => c.attribute).join(', ')} (${error.message.slice(0, 80)})`);
      });
      assert.deepEqual([...left].sort(), ['keep', 'keep_parent'], 'what is not listed stays');
      cookiesCleared[engine.name] = kept.map((c) => c.attribute);
      await tab.evaluate(() => {
        document.cookie = 'keep=; path=/shop; max-age=0';
        document.cookie = 'keep_parent=; path=/; domain=app.localhost; max-age=0';
      });
      await noErrors(tab);
    });
  },

  async 'another tab: a decision reaches it without a reload'(engine) {
    await visit(engine, { pages: { '/': page() } }, async ({ open }) => {
      const first = await open();
      const second = await open();
      assert.equal(await first.evaluate(readiness), 'ready');
      assert.equal(await second.evaluate(readiness), 'ready');
      await second.evaluate(() => {
        window.changes = [];
        window.assent.on('change', (d) => window.changes.push(d.changed.join(',')));
      });
      await first.click(`${banner} [data-assent-action="accept-all"]`);
      await second.waitFor(ranOnce);
      assert.equal(await second.evaluate(get, 'analytics'), true);
      assert.deepEqual(await second.evaluate(() => window.changes), ['ad-sdk,analytics,marketing,stats-sdk']);
      await second.waitFor(gone, banner);
      await noErrors(second);
    });
  },

  async 'placeholder: a blocked iframe names its third party and purposes; allow loads it'(engine) {
    const body = '<iframe data-assent="ad-sdk" data-src="/tags/frame.html" title="Ad"></iframe>';
    await visit(engine, { pages: { '/': page({ body }), '/tags/frame.html': '<p>framed</p>' } }, async ({ server, open }) => {
      const tab = await open();
      await tab.waitFor(shown, '.assent-placeholder');
      const text = await tab.evaluate(() => document.querySelector('.assent-placeholder').textContent);
      assert.match(text, /Ad SDK/);
      assert.match(text, /Analytics, Marketing/);
      assert.equal(fetched(server, '/tags/frame.html'), 0, 'not fetched');
      await tab.click('.assent-placeholder [data-assent-action="allow"]');
      await tab.waitFor(shown, 'iframe[src="/tags/frame.html"]');
      await until(() => fetched(server, '/tags/frame.html') === 1);
      assert.equal(await tab.evaluate(gone, '.assent-placeholder'), true);
      const state = await tab.evaluate(() => window.assent.state());
      assert.deepEqual([state.method, state.decisions['ad-sdk']], ['placeholder', true]);
      await noErrors(tab);
    });
  },

  async "explain: the permission notice answers allow, not now and Escape, and records nothing"(engine) {
    const html = probed(`<!doctype html><html lang="en"><head><meta charset="utf-8">${snippetFor().replace('<script ', '<script data-lang="en" ')}</head>
<body><button type="button" id="scan">Scan ID card</button></body></html>`);
    await visit(engine, { pages: { '/': html } }, async ({ open }) => {
      const tab = await open();
      assert.equal(await tab.evaluate(readiness), 'ready');
      const answers = [];
      for (const answer of ['allow', 'deny', 'Escape']) {
        await tab.evaluate(() => {
          window.outcome = 'pending';
          document.getElementById('scan').focus();
          window.assent.explain('camera').then((granted) => { window.outcome = granted; });
        });
        await tab.waitFor(shown, notice);
        assert.ok(await tab.evaluate(focusedIn, notice), 'focus moves into the notice');
        for (const key of ['Tab', 'Shift+Tab', 'Shift+Tab']) {
          await tab.keys(key);
          assert.match(await tab.evaluate(() => document.activeElement.dataset.assentAction || document.activeElement.id),
            /^explain-(allow|deny)$/, `${key} stays on the notice's two buttons`);
        }
        if (answer === 'Escape') await tab.keys('Escape');
        else await tab.click(`${notice} [data-assent-action="explain-${answer}"]`);
        await tab.waitFor(() => window.outcome !== 'pending');
        answers.push(await tab.evaluate(() => window.outcome));
        assert.equal(await tab.evaluate(gone, notice), true);
        assert.equal(await tab.evaluate(() => document.activeElement.id), 'scan', 'focus returns to the opener');
      }
      assert.deepEqual(answers, [true, false, false]);
      assert.equal(await tab.evaluate(() => localStorage.getItem('assent')), null, 'no consent recorded');
      await noErrors(tab);
    });
  },

  async 'strict CSP: the banner, a choice and gated tags without a nonce work; only the unnonced control is blocked'(engine) {
    const control = '<script data-unnonced>window.unnonced = true;</script>';
    await visit(engine, { pages: { '/': page({ body: control }) }, csp: true }, async ({ open }) => {
      const tab = await open();
      await tab.click(`${banner} [data-assent-action="accept-all"]`);
      await tab.waitFor(ranOnce);
      await tab.click('[data-assent-action="preferences"]');
      await tab.waitFor(shown, prefs);
      assert.equal(await tab.evaluate(() => window.unnonced), undefined, 'the policy is in force');
      const violations = await tab.evaluate(() => window.probe.violations);
      assert.equal(violations.length, 1, violations.join('\n'));
      assert.match(violations[0], /^script-src(-elem)? inline$/);
      await noErrors(tab);
    });
  },

  ...Object.fromEntries(Object.entries(BROKEN_STORAGE).map(([name, breaking]) => [
    `storage fault, ${name}: gates, works for the page view from memory, says so once`,
    async (engine) => {
      await visit(engine, { pages: { '/': page({ first: `<script>${breaking}</script>` }) } }, async ({ open }) => {
        const tab = await open();
        assert.equal(await tab.evaluate(get, 'analytics'), undefined);
        assert.equal(await tab.evaluate(readiness), 'ready');
        assert.deepEqual(await tab.evaluate(runCounts), { inline: 0, external: 0 }, 'gated before a choice');
        await tab.click(`${banner} [data-assent-action="accept-all"]`);
        await tab.waitFor(ranOnce);
        assert.equal(await tab.evaluate(get, 'analytics'), true, 'answered from memory');
        await tab.evaluate(() => window.assent.set({ marketing: true }));
        const warnings = (await tab.evaluate(logs)).filter((l) => l.startsWith('warning: assent:'));
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0], /in memory for this page view/);
        await noErrors(tab);
      });
    },
  ])),

  ...Object.fromEntries(Object.entries(RUNTIME_FAULTS).map(([name, [fault, reason]]) => [
    `the runtime ${name}: ready rejects, nothing runs, the page works`,
    async (engine) => {
      const html = page({ body: '<button id="own" onclick="window.clicked = true">page</button>' })
        .replace('<script data-base=', '<script data-timeout="1000" data-base=');
      await visit(engine, { pages: { '/': html } }, async ({ server, open }) => {
        server.fault(`${SEED_BASE}assent_runtime_bg.wasm`, fault);
        const tab = await open();
        assert.match(await tab.evaluate(readiness), new RegExp(`^failed: (.|\n)*${reason.source}`));
        assert.deepEqual(await tab.evaluate(runCounts), { inline: 0, external: 0 });
        assert.equal(await tab.evaluate(get, 'analytics'), undefined);
        await tab.click('#own');
        assert.equal(await tab.evaluate(() => window.clicked), true, 'the page works');
        const lines = await tab.evaluate(logs);
        assert.ok(lines.some((l) => l.startsWith('error: assent:') && /Nothing that needs consent will run|did not arrive/.test(l)),
          `the console says why: ${lines.join('\n')}`);
      });
    },
  ])),

  async 'without the built-ins newer than the floor: first visit, accept, return visit, preferences by keyboard'(engine) {
    await visit(engine, { pages: { '/': page({ first: STRIP }) } }, async ({ open }) => {
      const tab = await open();
      assert.equal(await tab.evaluate(() => window.stripped), 'undefinedundefinedundefinedundefined', 'the built-ins are gone');
      await tab.click(`${banner} [data-assent-action="accept-all"]`);
      await tab.waitFor(ranOnce);
      await tab.reload();
      await tab.waitFor(ranOnce);
      assert.equal(await tab.evaluate(readiness), 'ready');
      assert.equal(await tab.evaluate(shown, banner), false, 'no banner for a returning visitor');
      await tab.evaluate(() => document.querySelector('.assent-reopen').focus());
      await tab.keys('Enter');
      await tab.waitFor(focusedIn, prefs);
      for (let i = 0; i < 8; i++) {
        await tab.keys(i % 4 ? 'Tab' : 'Shift+Tab');
        assert.ok(await tab.evaluate(focusedIn, prefs), `focus left the dialog after ${i + 1} presses`);
      }
      await tab.keys('Escape');
      await tab.waitFor(gone, prefs);
      await noErrors(tab);
    });
  },
};

const wanted = (process.env.ENGINES || Object.keys(ENGINES).join(',')).split(',');
const total = Object.keys(SCENARIOS).length;
/** Per engine: { passed, version } once it runs, { absent } when it is skipped. */
const outcome = {};

for (const name of wanted) {
  const absent = missing(name);
  const skip = absent.length > 0 && !process.env.CI;
  if (skip) {
    outcome[name] = { absent };
    console.error(`\n!!!!! ${name} IS NOT INSTALLED (${absent.join(', ')}): its ${total} scenarios are SKIPPED.` +
      ' Run scripts/setup.sh; with CI set this fails the run. !!!!!\n');
  } else {
    outcome[name] = { passed: 0 };
  }
  describe(name, { skip: skip && `${name} is not installed` }, () => {
    let engine;
    before(async () => {
      assert.deepEqual(absent, [], `${name} is not installed (CI is set): run scripts/setup.sh`);
      engine = await launch(name);
      outcome[name].version = engine.version;
      console.log(`engine ${name}: ${engine.version}`);
    });
    after(async () => {
      await engine?.close();
    });
    for (const [title, scenario] of Object.entries(SCENARIOS)) {
      it(title, async () => {
        await scenario(engine);
        outcome[name].passed += 1;
      });
    }
  });
}

after(() => {
  for (const name of wanted) {
    const { passed, version, absent } = outcome[name];
    console.log(absent
      ? `engines: ${name.padEnd(8)} SKIPPED, not installed (${absent.join(', ')})`
      : `engines: ${name.padEnd(8)} ${passed}/${total} passed${version ? `  (${version})` : ''}`);
  }
  for (const [name, attributes] of Object.entries(cookiesCleared)) {
    const untested = COOKIES.map((c) => c.attribute).filter((a) => !attributes.includes(a));
    console.log(`cookies: ${name} cleared ${attributes.length}/${COOKIES.length}` +
      `${untested.length ? `; not kept when set on http, so untested: ${untested.join(', ')}` : ''}`);
  }
});
