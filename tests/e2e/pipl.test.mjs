// What a Chinese finance H5 page needs (issue 5), end to end: separate consent for
// sensitive purposes (PIPL Art. 23, 29; on the seed configuration), which "accept
// all" never grants and only its own action after its notice does; the native-app
// bridge with simulated Android, iOS, Alipay-style, DSBridge and custom hosts; the
// bounded local consent history.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { answerBuild, compileConfig, launch, open, SEED_BASE, serve, settled, SMALL, snippetFor } from './harness.mjs';

const seed = JSON.parse(readFileSync(new URL('../../config/default.json', import.meta.url), 'utf8'));
const separate = seed.purposes.filter((p) => p.separateConsent).map((p) => p.id);
const sensitive = new Set(seed.dataItems.filter((d) => d.sensitive).map((d) => d.id));

const h5 = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${snippetFor()}</head>
<body><h1>H5</h1></body></html>`;

const banner = '[data-assent-ui="banner"]';
const prefs = '[data-assent-ui="preferences"]';

describe('separate consent (seed configuration)', () => {
  let browser;
  let server;
  before(async () => {
    browser = await launch({ viewport: { width: 360, height: 740 } });
    server = await serve({ pages: { '/': h5 } });
  });
  after(async () => {
    await server.close();
    await browser.close();
  });

  it('the seed marks every consent purpose that uses sensitive information', () => {
    const expected = seed.purposes
      .filter((p) => p.legalBasis === 'consent' && (p.dataItems || []).some((d) => sensitive.has(d)))
      .map((p) => p.id);
    assert.deepEqual(separate, expected);
    assert.ok(separate.includes('identity-verification') && separate.includes('credit-assessment'));
  });

  it('accept all leaves separate-consent purposes refused, and the banner says so', async () => {
    const page = await open(browser.context, server.url + '/');
    await settled(page);
    assert.ok(await page.locator(`${banner} [data-assent-separate-note]`).isVisible(), 'the banner says what accept all leaves out');
    await page.click(`${banner} [data-assent-action="accept-all"]`);
    const answers = await page.evaluate((ids) => ids.map((id) => window.assent.get(id)), [...separate, 'analytics']);
    assert.deepEqual(answers, [...separate.map(() => false), true]);
    // The third parties of a separate purpose follow it.
    assert.equal(await page.evaluate(() => window.assent.get('ali-face-sdk')), false);
    await page.close();
  });

  it('each is granted only by its own action, after a notice of its data, recipients and purpose', async () => {
    const page = await open(browser.context, server.url + '/');
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await settled(page);
    await page.click(`${banner} [data-assent-action="customise"]`);
    const section = `${prefs} [data-assent-purpose-section="identity-verification"]`;
    const toggle = `${section} input[data-assent-purpose="identity-verification"]`;
    await page.click(toggle);
    assert.equal(await page.isChecked(toggle), false, 'the switch alone does not grant it');
    // The seed asks the age first (tests/e2e/choices.test.mjs covers the guardian step).
    await page.click(`${section} [data-assent-action="age-adult"]`);
    const notice = `${section} [data-assent-separate="identity-verification"]`;
    await page.locator(notice).waitFor();
    const shown = await page.evaluate((notice) => {
      const el = document.querySelector(notice);
      return {
        data: [...el.querySelectorAll(':scope > .assent-field [data-assent-data-item]')].map((d) => d.dataset.assentDataItem),
        recipients: [...el.querySelectorAll('[data-assent-third-party]')].map((t) => t.dataset.assentThirdParty),
        text: el.innerText,
        lang: el.closest('[lang]').lang,
      };
    }, notice);
    const purpose = seed.purposes.find((p) => p.id === 'identity-verification');
    assert.deepEqual(shown.data, purpose.dataItems);
    assert.deepEqual(shown.recipients.sort(),
      seed.thirdParties.filter((t) => t.purposes.includes('identity-verification')).map((t) => t.id).sort());
    assert.ok(shown.text.includes(purpose.description[shown.lang]), 'says why');

    // Cancel leaves it refused; the notice's own button grants it.
    await page.click(`${notice} [data-assent-action="separate-cancel"]`);
    assert.equal(await page.locator(notice).count(), 0);
    await page.click(toggle);
    await page.click(`${notice} [data-assent-action="separate-agree"]`);
    assert.equal(await page.isChecked(toggle), true);
    await page.click(`${prefs} [data-assent-action="save"]`);
    assert.equal(await page.evaluate(() => window.assent.get('identity-verification')), true);
    assert.equal(await page.evaluate(() => window.assent.get('credit-assessment')), false, 'only that one');

    // Accept all later keeps it; withdrawing is one switch and a save.
    await page.evaluate(() => window.assent.acceptAll());
    assert.equal(await page.evaluate(() => window.assent.get('identity-verification')), true);
    await page.click('.assent-reopen');
    await page.click(toggle);
    assert.equal(await page.isChecked(toggle), false);
    await page.click(`${prefs} [data-assent-action="save"]`);
    assert.equal(await page.evaluate(() => window.assent.get('identity-verification')), false);
    await page.close();
  });
});

// The native-app bridge (docs/native-bridge.md), with pages that simulate each host
// the way its WebView injects itself, on the small test configuration.
const record = (kind) => `(m) => (window.received = window.received || []).push([${JSON.stringify(kind)}, m])`;
const HOSTS = {
  'android-web-message': `window.AssentNative = Object.assign(new EventTarget(), { postMessage: ${record('android-web-message')} });`,
  'android-interface': `window.AssentNative = { postMessage: ${record('android-interface')} };`,
  ios: `window.webkit = { messageHandlers: { assent: { postMessage: ${record('ios')} } } };`,
  // Alipay-style containers inject their bridge after the page has started.
  alipay: `setTimeout(() => {
    window.AlipayJSBridge = { call: (api, params) => (${record('alipay')})({ api, ...params }) };
    document.dispatchEvent(new Event('AlipayJSBridgeReady'));
  }, 300);`,
  dsbridge: `window.dsBridge = { call: (method, arg) => (${record('dsbridge')})({ method, arg }) };`,
  custom: `window.myApp = { consent: ${record('custom')} };`,
};

function hostPage(script, { attributes = '', lang = 'en' } = {}) {
  const snippet = snippetFor(SMALL_CONFIG).replace('<script ', `<script ${attributes} `);
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><script>${script}</script>${snippet}</head>
<body><h1>H5 in an app</h1>
<script type="text/plain" data-assent="analytics">window.analyticsRan = true;</script></body></html>`;
}
const SMALL_CONFIG = SMALL;
const decision = (decisions, extra = {}) => ({ type: 'assent:decision', version: 1, policyVersion: 'test-1', decisions, ...extra });

/** The messages the simulated host received, parsed. */
const received = (page) => page.evaluate(() => (window.received || []).map(([kind, m]) => {
  const text = typeof m === 'string' ? m : m.message ?? m.arg;
  return { kind, extra: typeof m === 'string' ? null : { api: m.api, method: m.method }, message: JSON.parse(text) };
}));

describe('native app bridge', () => {
  let browser;
  let server;
  before(async () => {
    browser = await launch();
    const pages = {};
    for (const [kind, script] of Object.entries(HOSTS)) {
      pages[`/${kind}`] = hostPage(script, { attributes: kind === 'custom' ? 'data-bridge="myApp.consent"' : '' });
    }
    pages['/injected'] = hostPage(`window.assentNativeDecision = ${JSON.stringify(decision({ analytics: true, marketing: false }))};`);
    pages['/injected-partial'] = hostPage(`window.assentNativeDecision = ${JSON.stringify(decision({ analytics: true }))};
      window.webkit = { messageHandlers: { assent: { postMessage: ${record('ios')} } } };`);
    pages['/injected-other-policy'] = hostPage(`window.assentNativeDecision = ${JSON.stringify({ ...decision({ analytics: true, marketing: true }), policyVersion: 'old' })};`);
    pages['/plain'] = hostPage('');
    server = await serve({ pages });
  });
  after(async () => {
    await server.close();
    await browser.close();
  });

  /** Opens `path` with no stored decision. */
  async function fresh(path) {
    const page = await open(browser.context, server.url + path);
    await page.evaluate(() => localStorage.clear());
    page.logs.length = 0;
    await page.reload();
    await settled(page);
    return page;
  }

  for (const kind of Object.keys(HOSTS)) {
    it(`${kind}: the app receives every decision as a version 1 message`, async () => {
      const page = await fresh(`/${kind}`);
      await page.click('[data-assent-ui="banner"] [data-assent-action="accept-all"]');
      await page.waitForFunction(() => (window.received || []).length > 0);
      await page.evaluate(() => window.assent.set({ analytics: false }));
      const messages = await received(page);
      assert.deepEqual(messages.map((m) => m.kind), [kind, kind], 'one host, one message per decision');
      const [accepted, withdrawn] = messages.map((m) => m.message);
      assert.equal(accepted.type, 'assent:decision');
      assert.equal(accepted.version, 1);
      assert.equal(accepted.policyVersion, 'test-1');
      assert.equal(accepted.method, 'banner');
      assert.deepEqual(accepted.decisions, { necessary: true, analytics: true, marketing: true, 'stats-sdk': true, 'ad-sdk': true });
      assert.equal(withdrawn.decisions.analytics, false);
      assert.deepEqual(withdrawn.revoked, ['ad-sdk', 'analytics', 'stats-sdk']);
      assert.equal(withdrawn.consentId, accepted.consentId);
      if (kind === 'alipay') assert.equal(messages[0].extra.api, 'assentDecision');
      if (kind === 'dsbridge') assert.equal(messages[0].extra.method, 'assent.decision');
      await page.close();
    });
  }

  it('a decision the app injected counts at once: no banner, its tags run, method native', async () => {
    const page = await fresh('/injected');
    await page.waitForFunction(() => window.analyticsRan === true);
    assert.equal(await page.locator('[data-assent-ui="banner"]').count(), 0);
    const state = await page.evaluate(() => window.assent.state());
    assert.equal(state.method, 'native');
    assert.deepEqual([state.decisions.analytics, state.decisions.marketing], [true, false]);
    await page.close();
  });

  it('the Android app can answer later through its WebMessage channel', async () => {
    const page = await fresh('/android-web-message');
    await page.evaluate((m) => window.AssentNative.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(m) })),
      decision({ analytics: false, marketing: true }));
    await page.waitForFunction(() => window.assent.get('marketing') === true);
    assert.equal(await page.locator('[data-assent-ui="banner"]').count(), 0, 'the page does not ask again');
    assert.equal(await page.evaluate(() => window.analyticsRan), undefined);
    await page.close();
  });

  it("the app's answers never turn a third party's own refusal on the page into a grant", async () => {
    const page = await fresh('/android-web-message');
    await page.evaluate(() => window.assent.set({ analytics: true, marketing: true, 'stats-sdk': false }));
    // The app echoes resolved answers, including the third party's.
    await page.evaluate(() => window.assent.fromNative(JSON.stringify({
      type: 'assent:decision', version: 1, policyVersion: 'test-1',
      decisions: { analytics: true, marketing: false, 'stats-sdk': true, 'ad-sdk': false },
    })));
    assert.equal(await page.evaluate(() => window.assent.get('marketing')), false, 'the purposes follow the app');
    assert.equal(await page.evaluate(() => window.assent.get('stats-sdk')), false, 'the own refusal stays');
    assert.equal(await page.evaluate(() => window.assent.state().method), 'native');
    await page.close();
  });

  for (const [name, path, reason] of [
    ['one that leaves out a consent purpose', '/injected-partial', 'decisions.marketing must be true or false'],
    ['one for another policy version', '/injected-other-policy', 'policy version old'],
  ]) {
    it(`a native decision is refused whole when it is ${name}: the page asks`, async () => {
      const page = await fresh(path);
      await page.locator('[data-assent-ui="banner"]').waitFor();
      assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
      assert.ok(page.logs.some((l) => l.startsWith('error') && l.includes(reason)), page.logs.join('\n'));
      await page.close();
    });
  }

  it('a plain page loads no bridge and fromNative refuses', async () => {
    server.requests.length = 0;
    const page = await fresh('/plain');
    const error = await page.evaluate((m) => window.assent.fromNative(m).then(() => 'granted', (e) => e.message),
      decision({ analytics: true, marketing: true }));
    assert.equal(error, 'no native bridge on this page');
    assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
    assert.ok(!server.requests.includes(`${SEED_BASE}assent-bridge.js`), 'no bridge module on a plain page');
    await page.close();
  });
});

describe('consent history', () => {
  let browser;
  let server;
  before(async () => {
    browser = await launch();
    server = await serve({ pages: { '/': hostPage('') } });
  });
  after(async () => {
    await server.close();
    await browser.close();
  });

  it('every decision appends an event: what was shown, chosen, how, when; the oldest go after 50', async () => {
    const page = await open(browser.context, server.url + '/');
    const configText = readFileSync(new URL('../fixtures/small-config.json', import.meta.url));
    const hash = `sha256:${createHash('sha256').update(configText).digest('hex')}`;
    await settled(page);
    await page.click('[data-assent-ui="banner"] [data-assent-action="accept-all"]');
    await page.evaluate(() => window.assent.set({ marketing: false }));
    const events = await page.evaluate(() => window.assent.history());
    assert.equal(events.length, 2);
    const [first, second] = events;
    assert.deepEqual([first.choice, first.method, second.choice, second.method], ['accept-all', 'banner', 'set', 'api']);
    assert.deepEqual(second.set, { marketing: false });
    assert.equal(second.decisions.marketing, false);
    assert.equal(first.consentId, second.consentId);
    assert.equal(first.policyVersion, 'test-1');
    assert.equal(first.disclosureHash, hash, 'the hash of the configuration text shown');
    assert.deepEqual(Object.keys(first.shown).sort(), ['ad-sdk', 'analytics', 'marketing', 'necessary', 'stats-sdk']);
    assert.equal(first.language, 'en');
    assert.ok(second.at >= first.at);

    // Bounded: 60 stored events become the newest 50 after one more decision.
    await page.evaluate(() => localStorage.setItem('assent.history',
      JSON.stringify(Array.from({ length: 60 }, (_, i) => ({ old: i })))));
    await page.evaluate(() => window.assent.rejectAll());
    const bounded = await page.evaluate(() => window.assent.history());
    assert.equal(bounded.length, 50);
    assert.deepEqual(bounded[0], { old: 11 });
    assert.equal(bounded[49].choice, 'reject-all');
    await page.close();
  });
});

/** A page on the small configuration with a `receiptEndpoint` at /receipts, whose
 * answer to the n-th POST is `answer(n)`: `[status, body]`. Every POST is kept in
 * `posts` as { eventId, status, body }. */
async function receiptServer(answer) {
  const small = JSON.parse(readFileSync(new URL('../fixtures/small-config.json', import.meta.url), 'utf8'));
  const posts = [];
  // The endpoint names the server's own port, known once it listens; the digest (and
  // so the compiled file's name) does not depend on it.
  const page = hostPage('').replace(SMALL.config, SMALL.config.replace('/small/', '/receipt/'));
  const server = await serve({
    pages: { '/': page },
    handler: async (req, res, url) => {
      const build = compileConfig({ ...small, receiptEndpoint: `http://${req.headers.host}/receipts` });
      if (answerBuild(build, '/receipt/', url, res)) return true;
      if (url.pathname !== '/receipts' || req.method !== 'POST') return false;
      let text = '';
      for await (const chunk of req) text += chunk;
      const body = JSON.parse(text);
      const [status, reply] = answer(posts.length);
      posts.push({ eventId: body.eventId, status, body });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(reply);
      return true;
    },
  });
  return { server, posts };
}

describe('receipt endpoint', () => {
  let browser;
  let server;
  let posts;
  before(async () => {
    browser = await launch();
    // The endpoint is down for the first two requests.
    ({ server, posts } = await receiptServer((n) => [n < 2 ? 503 : 200, '']));
  });
  after(async () => {
    await server.close();
    await browser.close();
  });

  it('receives every event exactly once, across failures and a reload', async () => {
    const page = await open(browser.context, server.url + '/');
    await settled(page);
    await page.click('[data-assent-ui="banner"] [data-assent-action="accept-all"]');
    await until(() => posts.length >= 1);
    // Reload while the first event is still queued (its POST failed).
    await page.reload();
    await settled(page);
    await until(() => posts.some((p) => p.status === 200));
    await page.evaluate(() => window.assent.set({ marketing: false }));
    await until(() => posts.filter((p) => p.status === 200).length >= 2);
    await page.waitForFunction(() => localStorage.getItem('assent.outbox') === '[]');
    await page.waitForTimeout(1500); // no late repeat
    const acked = posts.filter((p) => p.status === 200);
    assert.equal(acked.length, 2, JSON.stringify(posts.map((p) => [p.eventId, p.status])));
    assert.notEqual(acked[0].eventId, acked[1].eventId);
    assert.deepEqual(posts.slice(0, 2).map((p) => p.eventId), [acked[0].eventId, acked[0].eventId], 'the first event was retried');
    assert.equal(posts.length, 4, 'nothing sent again once acknowledged');
    assert.deepEqual([acked[0].body.choice, acked[0].body.method, acked[1].body.choice], ['accept-all', 'banner', 'set']);
    assert.equal(acked[0].body.consentId, acked[1].body.consentId);
    assert.equal(acked[0].body.policyVersion, 'test-1');
    await page.close();
  });
});

describe('receipt endpoint that refuses an event', () => {
  let browser;
  let server;
  let posts;
  before(async () => {
    browser = await launch();
    // The first event is refused for good (400, with the server's reason); the second
    // is answered 429 and then 408 (both retried), then taken.
    const answers = [[400, '{"error":"missing field consentId","at":"$.consentId"}'], [429, ''], [408, '']];
    ({ server, posts } = await receiptServer((n) => answers[n] || [200, '']));
  });
  after(async () => {
    await server.close();
    await browser.close();
  });

  it('drops a refused event with a console error and goes on; 429 and 408 are retried', async () => {
    const page = await open(browser.context, server.url + '/');
    await settled(page);
    await page.click('[data-assent-ui="banner"] [data-assent-action="accept-all"]');
    await until(() => posts.length >= 1);
    await page.evaluate(() => window.assent.set({ marketing: false }));
    await until(() => posts.some((p) => p.status === 200));
    await page.waitForFunction(() => localStorage.getItem('assent.outbox') === '[]');
    await page.waitForTimeout(1500); // no late repeat of the refused one
    assert.deepEqual(posts.map((p) => [p.body.choice, p.status]),
      [['accept-all', 400], ['set', 429], ['set', 408], ['set', 200]], JSON.stringify(posts));
    const refused = posts[0].eventId;
    const errors = page.logs.filter((l) => l.startsWith('error: assent:'));
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.ok(errors[0].includes(refused) && errors[0].includes('HTTP 400') && errors[0].includes('missing field consentId'), errors[0]);
    await page.close();
  });
});

/** Polls `condition` (in this process) until it holds, for up to 15 s. */
async function until(condition) {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(condition(), `timed out waiting for ${condition}`);
}

describe('the recorded consent in the preferences', () => {
  it('shows the consent id and date and downloads the receipt', async () => {
    const browser = await launch();
    const server = await serve({ pages: { '/': hostPage('') } });
    const page = await open(browser.context, server.url + '/');
    await settled(page);
    await page.click('[data-assent-ui="banner"] [data-assent-action="accept-all"]');
    const state = await page.evaluate(() => window.assent.state());
    await page.click('.assent-reopen');
    const shown = page.locator(`[data-assent-ui="preferences"] [data-assent-consent-id="${state.consentId}"]`);
    await shown.waitFor();
    const text = await shown.innerText();
    assert.ok(text.includes(state.consentId), text);
    const date = await page.evaluate((ms) => new Date(ms).toLocaleDateString('en'), state.updatedAt);
    assert.ok(text.includes(date), `${text} has ${date}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-assent-action="download-receipt"]'),
    ]);
    assert.equal(download.suggestedFilename(), `consent-receipt-${state.consentId}.json`);
    const receipt = JSON.parse(readFileSync(await download.path(), 'utf8'));
    const expected = await page.evaluate(() => window.assent.receipt());
    assert.deepEqual(receipt, expected);
    await page.close();
    await server.close();
    await browser.close();
  });
});
