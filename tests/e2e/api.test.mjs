// The tag-facing API end to end: late subscribers, every kind of gated element,
// elements inserted after load, decisions reaching other tabs, Google Consent Mode
// v2 through dataLayer, Global Privacy Control, and withdrawal.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { answerBuild, compileConfig, launch, open, serve, settled, snippetFor } from './harness.mjs';
import { SMALL } from './pages.mjs';

const small = JSON.parse(readFileSync(new URL('../fixtures/small-config.json', import.meta.url), 'utf8'));
// The small configuration with Consent Mode and marketing marked for GPC.
const ecosystem = {
  ...small,
  consentMode: { analytics_storage: ['analytics'], ad_storage: ['marketing'], security_storage: ['necessary'] },
  purposes: small.purposes.map((p) => (p.id === 'marketing' ? { ...p, refusedByGpc: true } : p)),
  storage: [{
    id: 'stats-cookies', kind: 'cookie', name: { 'zh-CN': '统计 Cookie', en: 'Statistics cookies' },
    description: { 'zh-CN': '统计访问', en: 'Count visits' }, purposes: ['analytics'], keys: ['_stats*', '_sid', 'assent*'],
  }],
};

function page({ head = '', body = '', attributes = '' } = {}) {
  const build = compileConfig(ecosystem);
  const snippet = snippetFor({ config: `/ecosystem/${build.configFile}`, digest: build.digest, policyVersion: SMALL.policyVersion })
    .replace('<script ', `<script data-consent-mode ${attributes} `);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">${snippet}${head}</head>
<body><h1>Page</h1>${body}</body></html>`;
}

function site(pages) {
  return serve({
    pages,
    handler: (req, res, url) => answerBuild(compileConfig(ecosystem), '/ecosystem/', url, res),
  });
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const banner = '[data-assent-ui="banner"]';

describe('subscribers', () => {
  it('that come late get the current state at once, for ready and change', async () => {
    const server = await site({ '/': page() });
    const tab = await open(browser.context, server.url + '/');
    await settled(tab);
    await tab.evaluate(() => window.assent.acceptAll());
    const heard = await tab.evaluate(() => new Promise((resolve) => {
      const got = {};
      window.assent.on('ready', (state) => { got.ready = state.decisions.analytics; });
      window.assent.on('change', (detail) => { got.change = [detail.changed.length, detail.state.decisions.analytics]; });
      setTimeout(() => resolve(got), 0);
    }));
    assert.deepEqual(heard, { ready: true, change: [0, true] });
    await tab.close();
    await server.close();
  });
});

describe('ask', () => {
  it('is queued by the stub like every call and rejects, naming the id, while no purpose is asked at the moment of use', async () => {
    const server = await site({ '/': page({ head: `<script>window.early = window.assent.ask('analytics').then(() => 'resolved', (e) => e.message);</script>` }) });
    const tab = await open(browser.context, server.url + '/');
    const queued = await tab.evaluate(() => window.early);
    assert.match(queued, /^ask: "analytics" is not a purpose asked at the moment of use \(askedAtUse\)/);
    await settled(tab);
    const later = await tab.evaluate(() => window.assent.ask('payment').then(() => 'resolved', (e) => e.message));
    assert.match(later, /"payment" is not a purpose asked at the moment of use/);
    assert.equal(await tab.evaluate(() => window.assent.get('analytics')), undefined, 'nothing was recorded');
    await tab.close();
    await server.close();
  });
});

describe('the consent receipt', () => {
  it('is undefined before a decision and then names the consent, controller, policy and purposes', async () => {
    const server = await site({ '/': page({ head: '<script>window.early = window.assent.receipt();</script>' }) });
    const tab = await open(browser.context, server.url + '/');
    await settled(tab);
    assert.equal(await tab.evaluate(() => window.early.then((r) => r === undefined)), true, 'queued before load');
    await tab.evaluate(() => window.assent.set({ analytics: true }));
    const receipt = await tab.evaluate(() => window.assent.receipt());
    const state = await tab.evaluate(() => window.assent.state());
    assert.equal(receipt.consentId, state.consentId);
    assert.equal(receipt.collectionMethod, 'api');
    assert.equal(receipt.controller.name, 'Test Ltd');
    assert.equal(receipt.policy.version, 'test-1');
    assert.deepEqual(receipt.purposes.map((p) => [p.id, p.granted]), [['necessary', true], ['analytics', true], ['marketing', false]]);
    await tab.close();
    await server.close();
  });
});

describe('gated elements', () => {
  it('iframe: a placeholder names the third party and purposes; allow loads it', async () => {
    const body = '<iframe data-assent="ad-sdk" data-src="/tags/frame.html" title="Ad"></iframe>';
    const server = await site({ '/': page({ body }), '/tags/frame.html': '<p>framed</p>' });
    const tab = await open(browser.context, server.url + '/');
    await settled(tab);
    const placeholder = '.assent-placeholder';
    await tab.waitForSelector(placeholder, { state: 'visible' });
    const text = await tab.textContent(placeholder);
    assert.match(text, /Ad SDK/);
    assert.match(text, /Analytics, Marketing/);
    assert.equal(await tab.isVisible('iframe'), false);
    assert.equal(server.requests.filter((r) => r === '/tags/frame.html').length, 0, 'not fetched');
    await tab.click(`${placeholder} [data-assent-action="allow"]`);
    await tab.waitForSelector('iframe[src="/tags/frame.html"]', { state: 'visible' });
    assert.equal(await tab.locator(placeholder).count(), 0, 'placeholder removed');
    const state = await tab.evaluate(() => window.assent.state());
    assert.equal(state.method, 'placeholder');
    assert.equal(state.decisions['ad-sdk'], true);
    await tab.close();
    await server.close();
  });

  it('img and link wait for consent; negation runs on refusal only', async () => {
    const body = `<img data-assent="analytics" data-src="/tags/pixel.gif" alt="">
<link data-assent="analytics" rel="stylesheet" data-href="/tags/style.css">
<script type="text/plain" data-assent="!analytics">window.refusedRuns = (window.refusedRuns || 0) + 1;</script>`;
    const server = await site({ '/': page({ body }) });
    const tab = await open(browser.context, server.url + '/');
    await settled(tab);
    await tab.waitForTimeout(100);
    assert.equal(await tab.getAttribute('img', 'src'), null);
    assert.equal(await tab.getAttribute('link[data-assent]', 'href'), null);
    assert.equal(await tab.evaluate(() => window.refusedRuns), undefined, 'undecided is not refused');
    assert.ok(!server.requests.includes('/tags/pixel.gif'));
    await tab.evaluate(() => window.assent.rejectAll());
    await tab.waitForFunction(() => window.refusedRuns === 1);
    await tab.evaluate(() => window.assent.set({ analytics: true }));
    await tab.waitForSelector('img[src="/tags/pixel.gif"]', { state: 'attached' });
    assert.equal(await tab.getAttribute('link[data-assent]', 'href'), '/tags/style.css');
    await tab.close();
    await server.close();
  });

  it('inserted after load stay inert until consent, then run exactly once', async () => {
    const server = await site({ '/': page() });
    const tab = await open(browser.context, server.url + '/');
    await settled(tab);
    await tab.evaluate(() => {
      const inline = document.createElement('script');
      inline.type = 'text/plain';
      inline.dataset.assent = 'analytics';
      inline.textContent = 'window.insertedRuns = (window.insertedRuns || 0) + 1;';
      const external = document.createElement('script');
      external.type = 'text/plain';
      external.dataset.assent = 'analytics';
      external.dataset.src = '/tags/late.js';
      const widget = document.createElement('div');
      widget.append(inline, external);
      document.body.append(widget);
    });
    await tab.waitForTimeout(150);
    assert.equal(await tab.evaluate(() => window.insertedRuns), undefined);
    await tab.evaluate(() => window.assent.acceptAll());
    await tab.waitForFunction(() => window.insertedRuns === 1 && window.lateRuns === 1);
    // Later decisions and mutations never run them again.
    await tab.evaluate(() => window.assent.set({ marketing: false }));
    await tab.evaluate(() => document.body.append(document.createElement('p')));
    await tab.waitForTimeout(150);
    assert.deepEqual(await tab.evaluate(() => [window.insertedRuns, window.lateRuns]), [1, 1]);
    // Inserted after a grant: runs at once.
    await tab.evaluate(() => {
      const again = document.createElement('script');
      again.type = 'text/plain';
      again.dataset.assent = 'analytics';
      again.textContent = 'window.afterGrant = true;';
      document.body.append(again);
    });
    await tab.waitForFunction(() => window.afterGrant === true);
    await tab.close();
    await server.close();
  });
});

describe('across tabs', () => {
  it('a decision in one tab reaches another open tab without reload', async () => {
    const body = '<script type="text/plain" data-assent="analytics">window.ran = true;</script>';
    const server = await site({ '/': page({ body }) });
    const first = await open(browser.context, server.url + '/');
    const second = await open(browser.context, server.url + '/');
    await settled(first);
    await settled(second);
    await second.evaluate(() => {
      window.changes = [];
      window.assent.on('change', (d) => window.changes.push(d.changed.join(',')));
    });
    await first.click(`${banner} [data-assent-action="accept-all"]`);
    await second.waitForFunction(() => window.ran === true);
    assert.equal(await second.evaluate(() => window.assent.get('analytics')), true);
    assert.deepEqual(await second.evaluate(() => window.changes), ['ad-sdk,analytics,marketing,stats-sdk']);
    assert.equal(await second.isVisible(banner), false, 'the other tab stops asking');
    await first.close();
    await second.close();
    await server.close();
  });
});

describe('two tabs deciding at the same moment', () => {
  it('end on one consistent record, which both show', async () => {
    const server = await site({ '/': page() });
    const first = await open(browser.context, server.url + '/');
    const second = await open(browser.context, server.url + '/');
    await settled(first);
    await settled(second);
    await Promise.all([
      first.evaluate(() => window.assent.acceptAll()),
      second.evaluate(() => window.assent.rejectAll()),
    ]);
    const stored = () => first.evaluate(() => JSON.parse(localStorage.getItem('assent')).decisions.analytics);
    const shown = (tab) => tab.evaluate(() => window.assent.get('analytics'));
    for (let i = 0; i < 50 && !((await shown(first)) === (await stored()) && (await shown(second)) === (await stored())); i++) {
      await first.waitForTimeout(20);
    }
    const final = await stored();
    assert.equal(await shown(first), final);
    assert.equal(await shown(second), final);
    assert.equal(await first.evaluate(() => window.assent.state().consentId),
      await second.evaluate(() => window.assent.state().consentId));
    await first.close();
    await second.close();
    await server.close();
  });
});

describe('Google Consent Mode v2', () => {
  it('dataLayer holds the default before any tag, and an update after load and each decision', async () => {
    const head = `<script>window.dataLayer = window.dataLayer || []; window.dataLayer.push({ event: 'first-tag' });</script>`;
    const server = await site({ '/': page({ head }) });
    const tab = await open(browser.context, server.url + '/');
    await settled(tab);
    const consent = () => tab.evaluate(() => window.dataLayer.map((e) =>
      e.event ?? `${e[0]}:${e[1]}:${e[2].analytics_storage}:${e[2].ad_storage}:${e[2].security_storage}`));
    assert.deepEqual(await consent(), [
      'consent:default:denied:denied:denied',
      'first-tag',
      'consent:update:denied:denied:granted',
    ]);
    const defaults = await tab.evaluate(() => ({ ...window.dataLayer[0][2] }));
    assert.equal(Object.keys(defaults).length, 8, 'all seven types and wait_for_update');
    await tab.evaluate(() => window.assent.set({ analytics: true }));
    assert.equal((await consent()).at(-1), 'consent:update:granted:denied:granted');
    await tab.evaluate(() => window.assent.rejectAll());
    assert.equal((await consent()).at(-1), 'consent:update:denied:denied:granted');
    await tab.close();
    await server.close();
  });
});

describe('Global Privacy Control', () => {
  it('starts marked purposes refused, says so, notes it, and yields to an explicit grant', async () => {
    const gpcBrowser = await launch();
    await gpcBrowser.context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    const server = await site({ '/': page() });
    const tab = await open(gpcBrowser.context, server.url + '/');
    await settled(tab);
    assert.equal(await tab.evaluate(() => window.assent.get('marketing')), false, 'refused without asking');
    assert.equal(await tab.evaluate(() => window.assent.get('analytics')), undefined, 'the rest is still asked');
    await tab.waitForSelector(`${banner} [data-assent-gpc]`);
    await tab.click(`${banner} [data-assent-action="accept-all"]`);
    assert.equal(await tab.evaluate(() => window.assent.get('marketing')), false, 'accept all keeps the signal');
    assert.equal(await tab.evaluate(() => JSON.parse(localStorage.getItem('assent')).gpc), true, 'the record notes it');
    await tab.evaluate(() => window.assent.set({ marketing: true }));
    assert.equal(await tab.evaluate(() => window.assent.get('marketing')), true, 'an explicit choice overrides it');
    await tab.close();
    await server.close();
    await gpcBrowser.close();
  });
});

describe('withdrawal', () => {
  it('tells running tags which ids were revoked, and reloads only when the site opts in', async () => {
    const body = '<script type="text/plain" data-assent="analytics">window.ran = (window.ran || 0) + 1;</script>';
    const server = await site({ '/plain': page({ body }), '/reload': page({ body, attributes: 'data-reload-on-withdraw' }) });
    const tab = await open(browser.context, server.url + '/plain');
    await settled(tab);
    await tab.evaluate(() => window.assent.acceptAll());
    await tab.waitForFunction(() => window.ran === 1);
    const detail = await tab.evaluate(() => new Promise((resolve) => {
      window.assent.on('change', (d) => d.changed.length && resolve(d));
      window.assent.withdraw();
    }));
    assert.deepEqual(detail.revoked, ['ad-sdk', 'analytics', 'marketing', 'stats-sdk']);
    assert.equal(await tab.evaluate(() => window.ran), 1, 'no reload without the opt-in');
    await tab.close();

    const reloading = await open(browser.context, server.url + '/reload');
    await settled(reloading);
    await reloading.evaluate(() => window.assent.acceptAll());
    await reloading.waitForFunction(() => window.ran === 1);
    await Promise.all([reloading.waitForEvent('load'), reloading.evaluate(() => window.assent.withdraw())]);
    await settled(reloading);
    assert.equal(await reloading.evaluate(() => window.ran), undefined, 'reloaded: the tag no longer runs');
    assert.equal(await reloading.evaluate(() => window.assent.get('analytics')), false);
    await reloading.close();
    await server.close();
  });

  it('clears the cookies and storage keys the configuration lists for what was withdrawn', async () => {
    const server = await site({ '/': page() });
    const tab = await open(browser.context, server.url + '/');
    await settled(tab);
    await tab.evaluate(() => window.assent.acceptAll());
    await tab.evaluate(() => {
      document.cookie = '_stats_a=1; path=/';
      document.cookie = '_sid=2; path=/';
      document.cookie = 'keep=3; path=/';
      localStorage.setItem('_stats_x', '1');
      localStorage.setItem('other', '1');
      sessionStorage.setItem('_sid', '1');
    });
    await tab.evaluate(() => window.assent.set({ marketing: false }));
    assert.match(await tab.evaluate(() => document.cookie), /_stats_a=1/, 'marketing lists no keys: nothing cleared');
    await tab.evaluate(() => window.assent.withdraw());
    const left = await tab.evaluate(() => ({
      cookies: document.cookie.split('; ').sort(),
      local: Object.keys(localStorage).sort(),
      session: Object.keys(sessionStorage),
    }));
    // Assent's own keys survive even a pattern that matches them.
    assert.deepEqual(left, { cookies: ['keep=3'], local: ['assent', 'assent.baseline', 'assent.history', 'other'], session: [] });
    await tab.close();
    await server.close();
  });
});
