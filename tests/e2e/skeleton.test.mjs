// The walking skeleton, end to end in headless Chromium: gated tags run only with
// consent, the choice persists, the API queues and answers, the banner is fair.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { answerBuild, compileConfig, launch, open, serve, settled, small as SMALL_BUILD } from './harness.mjs';
import { gatedPage } from './pages.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A fresh origin (own port, so own localStorage) serving `pages`. */
async function site(pages) {
  return serve({ pages });
}

const banner = '[data-assent-ui="banner"]';
const runs = (page) => page.evaluate(() => ({ inline: window.inlineRuns || 0, external: window.externalRuns || 0 }));
const fetchedExternal = (server) => server.requests.filter((r) => r === '/tags/external.js').length;

describe('gated tags', () => {
  it('do not run and are not fetched before a choice', async () => {
    const server = await site({ '/': gatedPage() });
    const page = await open(browser.context, server.url + '/');
    await page.waitForSelector(banner, { state: 'visible' });
    await settled(page);
    assert.deepEqual(await runs(page), { inline: 0, external: 0 });
    assert.equal(fetchedExternal(server), 0);
    assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
    assert.equal(await page.evaluate(() => window.assent.get('necessary')), true);
    await page.close();
    await server.close();
  });

  it('run once each, in document order, after accept all; the external one is fetched once', async () => {
    const server = await site({ '/': gatedPage() });
    const page = await open(browser.context, server.url + '/');
    await page.click(`${banner} [data-assent-action="accept-all"]`);
    await page.waitForFunction(() => window.externalRuns === 1);
    assert.deepEqual(await runs(page), { inline: 1, external: 1 });
    assert.deepEqual(await page.evaluate(() => window.runOrder), ['inline', 'external']);
    assert.equal(fetchedExternal(server), 1);
    assert.equal(await page.isVisible(banner), false, 'the banner closes');
    // A second grant must not run anything again.
    await page.evaluate(() => window.assent.acceptAll());
    await page.waitForTimeout(200);
    assert.deepEqual(await runs(page), { inline: 1, external: 1 });
    assert.equal(fetchedExternal(server), 1);
    await page.close();
    await server.close();
  });

  it('never run after reject all', async () => {
    const server = await site({ '/': gatedPage() });
    const page = await open(browser.context, server.url + '/');
    await page.click(`${banner} [data-assent-action="reject-all"]`);
    await page.waitForSelector(banner, { state: 'detached' });
    await page.waitForTimeout(300);
    assert.deepEqual(await runs(page), { inline: 0, external: 0 });
    assert.equal(fetchedExternal(server), 0);
    assert.equal(await page.evaluate(() => window.assent.get('analytics')), false);
    await page.reload();
    await settled(page);
    await page.waitForTimeout(300);
    assert.deepEqual(await runs(page), { inline: 0, external: 0 }, 'nor after a reload');
    assert.equal(await page.isVisible(banner), false, 'a refusal is not asked again');
    await page.close();
    await server.close();
  });

  it('follow a custom choice saved in the preferences', async () => {
    const server = await site({ '/': gatedPage({ gate: 'marketing' }) });
    const page = await open(browser.context, server.url + '/');
    await page.click(`${banner} [data-assent-action="customise"]`);
    const prefs = '[data-assent-ui="preferences"]';
    await page.waitForSelector(prefs);
    const toggles = await page.$$eval(`${prefs} input[data-assent-purpose]`, (inputs) =>
      inputs.map((i) => [i.dataset.assentPurpose, i.checked, i.disabled]));
    assert.deepEqual(toggles, [['necessary', true, true], ['analytics', false, false], ['marketing', false, false]],
      'consent purposes start off; necessary is locked on');
    await page.check(`${prefs} input[data-assent-purpose="marketing"]`);
    await page.click(`${prefs} [data-assent-action="save"]`);
    await page.waitForFunction(() => window.externalRuns === 1);
    assert.equal(await page.evaluate(() => window.assent.get('marketing')), true);
    assert.equal(await page.evaluate(() => window.assent.get('analytics')), false);
    assert.equal(await page.evaluate(() => window.assent.state().method), 'preferences');
    await page.close();
    await server.close();
  });
});

describe('the record', () => {
  it('survives a reload: no banner, tags run, the stub answers at once', async () => {
    const server = await site({
      '/': gatedPage({ head: '<script>window.earlyAnswer = window.assent.get("analytics");</script>' }),
    });
    const page = await open(browser.context, server.url + '/');
    await page.click(`${banner} [data-assent-action="accept-all"]`);
    await page.waitForFunction(() => window.externalRuns === 1);
    await page.reload();
    await page.waitForFunction(() => window.externalRuns === 1);
    assert.equal(await page.evaluate(() => window.earlyAnswer), true, 'answered before the WebAssembly loaded');
    assert.equal(await page.isVisible(banner), false);
    assert.equal(await page.evaluate(() => window.assent.get('analytics')), true);
    await page.close();
    await server.close();
  });

  // (A record that lists what was shown carries over what did not change:
  // tests/e2e/choices.test.mjs. One from before fingerprints holds for its own version.)
  it('for another policy version, without fingerprints, shows the banner again and grants nothing', async () => {
    const server = await site({ '/': gatedPage() });
    const page = await open(browser.context, server.url + '/');
    await page.click(`${banner} [data-assent-action="accept-all"]`);
    await page.waitForFunction(() => window.externalRuns === 1);
    await page.evaluate(() => {
      const record = JSON.parse(localStorage.getItem('assent'));
      record.policyVersion = 'test-0';
      delete record.shown;
      localStorage.setItem('assent', JSON.stringify(record));
    });
    await page.reload();
    await page.waitForSelector(banner, { state: 'visible' });
    assert.deepEqual(await runs(page), { inline: 0, external: 0 });
    assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
    await page.close();
    await server.close();
  });

  it('that is corrupted shows the banner, grants nothing, and is kept until the user decides', async () => {
    const server = await site({ '/': gatedPage() });
    const page = await open(browser.context, server.url + '/');
    await page.evaluate(() => localStorage.setItem('assent', '{"schema":1,"policyVersion":"test-1","decisions":{"analytics":tru'));
    await page.reload();
    await page.waitForSelector(banner, { state: 'visible' });
    await settled(page);
    assert.deepEqual(await runs(page), { inline: 0, external: 0 });
    assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
    assert.match(await page.evaluate(() => localStorage.getItem('assent')), /tru$/, 'not overwritten by loading');
    assert.ok(page.logs.some((l) => l.includes('not a JSON object')), page.logs.join('\n'));
    await page.close();
    await server.close();
  });
});

describe('the API', () => {
  it('queues calls made before the module is ready and runs them in order', async () => {
    const head = `<script>
      window.calls = [];
      window.beforeReady = window.assent.get('analytics');
      window.assent.on('change', (d) => window.calls.push('change:' + d.changed.join(',')));
      window.assent.set({ analytics: true }).then((s) => window.calls.push('set1:' + s.decisions.analytics));
      window.assent.set({ analytics: false, marketing: true }).then((s) => window.calls.push('set2:' + s.decisions.analytics));
    </script>`;
    const server = await site({ '/': gatedPage({ head, gate: 'marketing' }) });
    const page = await open(browser.context, server.url + '/');
    await page.waitForFunction(() => window.calls.length === 4);
    assert.equal(await page.evaluate(() => window.beforeReady), undefined);
    // Replayed in call order; each Promise settles (a microtask) after the replay.
    // The first write decides every id (undecided -> decided); the second changes
    // analytics, marketing and stats-sdk, while ad-sdk (analytics AND marketing) stays off.
    assert.deepEqual(await page.evaluate(() => window.calls), [
      'change:ad-sdk,analytics,marketing,stats-sdk',
      'change:analytics,marketing,stats-sdk',
      'set1:true',
      'set2:false',
    ]);
    assert.equal(await page.evaluate(() => window.assent.state().method), 'api');
    await page.waitForFunction(() => window.externalRuns === 1);
    await page.close();
    await server.close();
  });

  it('whenGranted resolves on a later grant, and at once when already granted', async () => {
    const server = await site({ '/': gatedPage() });
    const page = await open(browser.context, server.url + '/');
    await page.evaluate(() => {
      window.granted = [];
      window.assent.whenGranted('analytics').then(() => window.granted.push('analytics'));
      window.assent.whenGranted('stats-sdk').then(() => window.granted.push('stats-sdk'));
    });
    await settled(page);
    await page.waitForTimeout(200);
    assert.deepEqual(await page.evaluate(() => window.granted), []);
    await page.click(`${banner} [data-assent-action="accept-all"]`);
    await page.waitForFunction(() => window.granted.length === 2);
    assert.deepEqual((await page.evaluate(() => window.granted)).sort(), ['analytics', 'stats-sdk']);
    assert.equal(await page.evaluate(() => window.assent.whenGranted('analytics').then(() => 'now')), 'now');
    await page.close();
    await server.close();
  });

  it('fires change for API writes and for clicks, on listeners and as window events', async () => {
    const server = await site({ '/': gatedPage() });
    const page = await open(browser.context, server.url + '/');
    await settled(page);
    await page.evaluate(() => {
      window.changes = [];
      window.events = [];
      window.assent.on('change', (d) => window.changes.push(d.state.method));
      window.addEventListener('assent:change', (e) => window.events.push(e.detail.state.method));
    });
    await page.evaluate(() => window.assent.acceptAll());
    await page.click('[data-assent-action="preferences"]');
    await page.click('[data-assent-ui="preferences"] [data-assent-action="reject-all"]');
    await page.waitForFunction(() => window.changes.length === 2);
    assert.deepEqual(await page.evaluate(() => window.changes), ['api', 'preferences']);
    assert.deepEqual(await page.evaluate(() => window.events), ['api', 'preferences']);
    await page.close();
    await server.close();
  });

  it('refuses bad writes whole, says why, and grants nothing', async () => {
    const server = await site({ '/': gatedPage() });
    const page = await open(browser.context, server.url + '/');
    await settled(page);
    const error = await page.evaluate(() =>
      window.assent.set({ analytics: true, 'no-such-purpose': true }).then(() => 'resolved', (e) => e.message));
    assert.match(error, /unknown purpose or third party "no-such-purpose"/);
    assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
    assert.equal(await page.evaluate(() => localStorage.getItem('assent')), null);
    await page.close();
    await server.close();
  });
});

describe('the configuration', () => {
  it('that fails to load never falls back to the default: nothing granted, the console says why', async () => {
    const server = await site({ '/': gatedPage({ config: '/fixtures/missing.json' }) });
    const page = await open(browser.context, server.url + '/');
    // A valid record for the seed policy exists: it must still not be honoured.
    await page.evaluate(() => window.assent.ready.catch(() => {}));
    const reason = await page.evaluate(() => window.assent.ready.then(() => 'ready', (e) => e.message));
    assert.match(reason, /\/fixtures\/missing\.json answered HTTP 404/);
    assert.deepEqual(await runs(page), { inline: 0, external: 0 });
    assert.equal(await page.evaluate(() => window.assent.get('necessary')), undefined);
    assert.equal(await page.isVisible(banner), false);
    assert.ok(page.logs.some((l) => l.startsWith('error: assent:') && l.includes('Nothing that needs consent')));
    await page.close();
    await server.close();
  });

  // `assent build` lists an invalid configuration's every problem with its path
  // (tests/build.rs); what reaches a page is a build's file or nothing.
  const failsClosed = async (page, pattern) => {
    const reason = await page.evaluate(() => window.assent.ready.then(() => 'ready', (e) => e.message));
    assert.match(reason, pattern);
    const error = page.logs.find((l) => l.startsWith('error: assent:')) ?? '';
    assert.match(error, pattern);
    assert.deepEqual(await runs(page), { inline: 0, external: 0 });
    assert.equal(await page.evaluate(() => window.assent.get('analytics')), undefined);
    assert.equal(await page.isVisible(banner), false);
  };

  it('a source configuration under data-config is refused, naming the file: compile it with assent build', async () => {
    const text = readFileSync(new URL('../fixtures/small-config.json', import.meta.url), 'utf8');
    const server = await serve({
      pages: { '/': gatedPage({ config: '/source.json' }) },
      handler: (req, res, url) => {
        if (url.pathname !== '/source.json') return false;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text);
        return true;
      },
    });
    const page = await open(browser.context, server.url + '/');
    await failsClosed(page, /\/source\.json is a source configuration, not a compiled one: compile it with `assent build`/);
    await page.close();
    await server.close();
  });

  it('a snippet without data-config: nothing runs, not even for a returning visitor; the console names the attribute', async () => {
    const server = await serve({ pages: { '/': gatedPage(), '/none': gatedPage({ config: null }) } });
    const first = await open(browser.context, server.url + '/');
    await first.click(`${banner} [data-assent-action="accept-all"]`);
    await first.waitForFunction(() => window.externalRuns === 1);
    await first.close();
    server.requests.length = 0;
    const page = await open(browser.context, server.url + '/none');
    await failsClosed(page, /the snippet has no data-config/);
    assert.ok(!server.requests.some((r) => r.includes('assent_runtime')), 'no runtime fetched');
    await page.evaluate(() => localStorage.clear());
    await page.close();
    await server.close();
  });

  it('an edited compiled file (its digest no longer its fingerprints\') is refused with the path', async () => {
    const compiled = JSON.parse(SMALL_BUILD.files[SMALL_BUILD.configFile]);
    compiled.purposes[1].fingerprint = '0000000000000000';
    const server = await serve({
      pages: { '/': gatedPage({ config: `/edited/${SMALL_BUILD.configFile}` }) },
      handler: (req, res, url) => {
        if (url.pathname !== `/edited/${SMALL_BUILD.configFile}`) return false;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(compiled));
        return true;
      },
    });
    const page = await open(browser.context, server.url + '/');
    await failsClosed(page, /faulty compiled configuration: \$\.digest: /);
    await page.close();
    await server.close();
  });

  it('a banner file of another build is not shown: the console names it, nothing is granted', async () => {
    const source = JSON.parse(readFileSync(new URL('../fixtures/small-config.json', import.meta.url), 'utf8'));
    source.purposes.find((p) => p.id === 'marketing').name.en = 'Another name';
    const other = compileConfig(source);
    assert.notEqual(other.digest, SMALL_BUILD.digest);
    const server = await serve({
      pages: { '/': gatedPage({ config: `/mixed/${SMALL_BUILD.configFile}` }) },
      handler: (req, res, url) => {
        if (url.pathname === '/mixed/banner.en.json') return answerBuild(other, '/mixed/', url, res);
        return answerBuild(SMALL_BUILD, '/mixed/', url, res);
      },
    });
    const page = await open(browser.context, server.url + '/');
    await settled(page);
    await page.waitForFunction(() => false, null, { timeout: 300 }).catch(() => {});
    assert.equal(await page.isVisible(banner), false);
    const error = page.logs.find((l) => l.startsWith('error: assent:')) ?? '';
    assert.match(error, /\/mixed\/banner\.en\.json is not of the build of/, page.logs.join('\n'));
    assert.deepEqual(await runs(page), { inline: 0, external: 0 });
    await page.close();
    await server.close();
  });
});

describe('the banner', () => {
  it('leaves a visible reopen control after deciding, which opens the preferences', async () => {
    const server = await site({ '/': gatedPage() });
    const page = await open(browser.context, server.url + '/');
    await page.click(`${banner} [data-assent-action="reject-all"]`);
    const reopen = '[data-assent-action="preferences"]';
    await page.waitForSelector(reopen, { state: 'visible' });
    await page.click(reopen);
    await page.waitForSelector('[data-assent-ui="preferences"]', { state: 'visible' });
    await page.reload();
    await page.waitForSelector(reopen, { state: 'visible' });
    await page.close();
    await server.close();
  });

  it('gives accept all and reject all the same size and style, on a phone and a desktop', async () => {
    const server = await site({ '/': gatedPage() });
    const page = await open(browser.context, server.url + '/');
    for (const viewport of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
      await page.setViewportSize(viewport);
      await page.waitForSelector(banner, { state: 'visible' });
      const [accept, reject] = await page.$$eval(
        `${banner} [data-assent-action="accept-all"], ${banner} [data-assent-action="reject-all"]`,
        (buttons) => buttons
          .sort((a, b) => a.dataset.assentAction.localeCompare(b.dataset.assentAction))
          .map((b) => {
            const s = getComputedStyle(b);
            const r = b.getBoundingClientRect();
            return {
              width: Math.round(r.width), height: Math.round(r.height), font: s.font, color: s.color,
              background: s.backgroundColor, border: s.border, radius: s.borderRadius, padding: s.padding,
            };
          }));
      assert.deepEqual(accept, reject, `at ${viewport.width}px`);
      assert.ok(accept.height >= 24 && accept.width >= 24);
    }
    await page.close();
    await server.close();
  });
});

describe('a returning visitor after the disclosures changed under the same policy version', () => {
  const source = () => JSON.parse(readFileSync(new URL('../fixtures/small-config.json', import.meta.url), 'utf8'));
  let served;
  // The page as the site serves it after each build: the snippet names that build.
  const page = () => gatedPage({ config: `/c/${compileConfig(served).configFile}`, digest: compileConfig(served).digest });
  const site = () => serve({ pages: { '/': page }, handler: (req, res, url) => answerBuild(compileConfig(served), '/c/', url, res) });

  /** Reloads with the runtime's WebAssembly held back; returns what ran before it
   * arrived, and a release(). */
  async function reloadHeld(tab) {
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await tab.route('**/assent_runtime_bg.wasm', async (route) => { await held; await route.continue(); });
    await tab.reload({ waitUntil: 'domcontentloaded' });
    await tab.waitForTimeout(200);
    const early = { ...(await runs(tab)), get: await tab.evaluate(() => window.assent.get('analytics') ?? null) };
    return {
      early,
      release: async () => {
        release();
        await settled(tab);
        await tab.unroute('**/assent_runtime_bg.wasm');
      },
    };
  }

  it('an edited purpose: its tag does not run early, nor at all until the user answers again', async () => {
    served = source();
    const server = await site();
    const tab = await open(browser.context, server.url + '/');
    await tab.click(`${banner} [data-assent-action="accept-all"]`);
    await tab.waitForFunction(() => window.externalRuns === 1);
    served.purposes.find((p) => p.id === 'analytics').description.en += ' Also counts clicks.';
    const { early, release } = await reloadHeld(tab);
    assert.deepEqual(early, { inline: 0, external: 0, get: null }, 'the stub does not answer from consent to other disclosures');
    await release();
    await tab.waitForSelector(`${banner} [data-assent-change="analytics"]`);
    assert.deepEqual(await runs(tab), { inline: 0, external: 0 }, 'asked again, so not run');
    assert.equal(await tab.evaluate(() => window.assent.get('analytics')), undefined);
    await tab.click(`${banner} [data-assent-action="accept-all"]`);
    await tab.waitForFunction(() => window.externalRuns === 1 && window.inlineRuns === 1);
    await tab.evaluate(() => localStorage.clear());
    await tab.close();
    await server.close();
  });

  it('a change that asks nothing (a third party removed): the record is restated, and the next page view answers early again', async () => {
    served = source();
    const server = await site();
    const tab = await open(browser.context, server.url + '/');
    await tab.click(`${banner} [data-assent-action="accept-all"]`);
    await tab.waitForFunction(() => window.externalRuns === 1);
    const before = await tab.evaluate(() => JSON.parse(localStorage.getItem('assent')));
    assert.equal(before.configDigest, compileConfig(served).digest);
    served.thirdParties = served.thirdParties.filter((t) => t.id !== 'ad-sdk');
    const first = await reloadHeld(tab);
    assert.deepEqual(first.early, { inline: 0, external: 0, get: null }, 'another build: nothing early');
    await first.release();
    await tab.waitForFunction(() => window.externalRuns === 1 && window.inlineRuns === 1);
    assert.equal(await tab.isVisible(banner), false, 'nothing asked');
    const restated = await tab.evaluate(() => JSON.parse(localStorage.getItem('assent')));
    assert.equal(restated.configDigest, compileConfig(served).digest, 'restated for this build');
    assert.equal(restated.consentId, before.consentId);
    assert.deepEqual(await tab.evaluate(() => window.assent.history().length), 1, 'a restatement is not a decision');
    const second = await reloadHeld(tab);
    assert.deepEqual(second.early, { inline: 1, external: 1, get: true }, 'the stub answers early again');
    await second.release();
    assert.deepEqual(await runs(tab), { inline: 1, external: 1 }, 'once');
    await tab.evaluate(() => localStorage.clear());
    await tab.close();
    await server.close();
  });
});
