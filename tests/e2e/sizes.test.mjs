// Size budgets for what a site ships (dist/sizes.json, written by the build: the
// static files and the seed's compiled files), and the split that keeps returning
// visitors fast: with a stored decision, the page loads the stub, the loader, the
// runtime and its compiled configuration, and the CSS for the reopen control: no
// interface module and no other file of the build.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, open, SEED_BASE, serve, settled, SMALL } from './harness.mjs';
import { gatedPage } from './pages.mjs';

const sizes = JSON.parse(readFileSync(new URL('../../dist/sizes.json', import.meta.url), 'utf8'));
// The compiled files' names hold the configuration digest; a budget names `<digest>`.
const budgetName = (name) => name.replace(/\.[0-9a-f]{16}\.json$/, '.<digest>.json');
const gzip = (name) => Object.entries(sizes).find(([file]) => budgetName(file) === name)[1].gzip;

// gzip bytes, for every file a build ships. Raise a budget only with a reason in the
// commit message.
const BUDGETS = {
  // 1.25 KB: the stub answers early only from a record made on the snippet's build
  // (`data-config-digest`, record::decode_early), and warns once when the snippet has
  // none: about 100 bytes (1022 before); any non-empty `method` is read (a newer
  // Assent's), so an old stub never refuses a newer record for it: 1065; `ask`
  // joined the queued calls: 1085; a loader that does not load (a server error, a
  // body cut off) rejects `ready` and every queued call with the reason: 1178. It is
  // pasted into every page and its CSP hash published, so this is its final shape
  // for the round.
  'assent-stub.js': 1.25 * 1024,
  // 5.5 KB: the loader carries gating (and makes gated elements live), the first-layer
  // banner (with the re-consent list of what changed), cross-tab sync, Consent Mode,
  // keyboard focus handling and the hook that imports the permission notice (5.25 KB
  // until then). Then it was split into ES modules by job (www/loader/) with one state
  // object that boot() creates and passes along, bundled by esbuild and minified by
  // terser: 5351 bytes as one file through the same pipeline, 5616 split. The
  // state's field names stay whole (minifiers cannot rename properties safely, and
  // --mangle-props is ruled out because page-visible API names must not change),
  // about 70 bytes; the session argument on every call, about 60; calls and wrappers
  // across module boundaries, the rest.
  // 6.25 KB: the loader fetches the build's files itself (www/loader/files.js: the
  // compiled configuration, the banner's words, the dialog's disclosures, the
  // receipt's texts), refuses a source configuration, a file of another format or of
  // another build, each error naming its file, and renders the banner from its words
  // file (6167 bytes, about 550 more). The same step took 37 KB gzip out of the
  // runtime.
  // 6.75 KB: on a first visit the loader shows the banner before any WebAssembly
  // (its words file, a click applied once the runtime is ready, the language chosen
  // in JS, www/loader/language.js): 6604 bytes, about 440 more; then every gated
  // element became the loader's alone (the gate rule on the runtime's answers, the
  // iframes' placeholders built here from the runtime's words): 6725; every runtime
  // call guarded, so that a trap fails closed: 6862. 7 KB: the loader gives up on
  // files that never arrive (`data-timeout`): 6996; withdrawal deletes a listed
  // cookie on every ancestor path, Secure, Partitioned and through cookieStore: 7163.
  // 7.25 KB: `ask` joined the API (the stub's final shape), the banner links to the
  // policy only when it has a URL, and the outbox reads through the runtime: 7271;
  // the banner's words asked again after a failure, then the other language's: 7358.
  'assent.js': 7.25 * 1024,
  'assent-bridge.js': 1024,
  'assent-outbox.js': 1024,
  // The permission notice (assent.explain), imported at its first call.
  'assent-explain.js': 1024,
  'assent_runtime.js': 5 * 1024,
  // 160 KB: the consent receipt (serde_json), the consent history (SHA-256 of the
  // disclosure, events) and the receipt outbox joined the runtime, then per-item
  // fingerprints with re-consent on change, third parties' own switches and the
  // permission notices' texts (about 11 KB together); see README, Performance.
  // 126 KB: the runtime reads the compiled configuration (issue 14, stage b) and
  // holds neither the validator nor the texts only the banner, receipts and notices
  // show (127.9 KB when it went in, from 164.6).
  'assent_runtime_bg.wasm': 126 * 1024,
  'assent_ui.js': 6 * 1024,
  // 216 KB: the separate-consent notice, the receipt download, then the third
  // parties' own switches, the "changed" marks and the age question with its guardian
  // step joined the dialog, which loads only when the preferences open (no visit
  // waits for it). 150 KB: it reads the build's disclosures file and no longer
  // carries the validator (151.6 KB when that went in, from 213). 151 KB: the sharing
  // statement under its own title, each third party's document, and the contact,
  // authority and document labels (153610 bytes). 153 KB: the policy's sections
  // (155976).
  'assent_ui_bg.wasm': 153 * 1024,
  // The seed's compiled files (docs/build-format.md): what the runtime decides on
  // (ids, fingerprints, flags, the names placeholders and the re-consent list show),
  // fetched on every page view; the banner's words, one per language, on a first
  // visit; the dialog's disclosures (both documents, both languages) when it opens;
  // the receipt's and notices' texts at their first use.
  // 19 KB: three risk-control purposes became consent purposes of their own, each
  // with its names and re-consent words in both languages (19115).
  'config.<digest>.json': 19 * 1024,
  'banner.en.json': 1024,
  'banner.zh-CN.json': 1024,
  // 66 KB: the policy's twelve other sections (policy.sections) and the sharing
  // statement's title and promise joined the seed's disclosures: 65781.
  'disclosures.<digest>.json': 66 * 1024,
  'texts.<digest>.json': 9 * 1024,
  // 3.5 KB: the permission notice, the re-consent list, the third parties' switches
  // and the guardian step joined the styles.
  'assent.css': 3.5 * 1024,
  'assent.d.ts': 2 * 1024,
};

describe('sizes', () => {
  for (const [name, budget] of Object.entries(BUDGETS)) {
    it(`${name} stays within ${budget} bytes gzip`, () => {
      assert.ok(gzip(name) <= budget, `${name} is ${gzip(name)} bytes gzip`);
    });
  }

  it('every shipped file has a budget', () => {
    assert.deepEqual(Object.keys(sizes).map(budgetName).sort(), Object.keys(BUDGETS).sort());
  });

  it('a first visit shows the banner without the interface module', async () => {
    const browser = await launch();
    const server = await serve({ pages: { '/': gatedPage() } });
    const page = await open(browser.context, server.url + '/');
    await page.locator('[data-assent-ui="banner"] [data-assent-action="accept-all"]').waitFor();
    assert.ok(!server.requests.some((r) => r.includes('assent_ui')), server.requests.join(' '));
    await page.click('[data-assent-ui="banner"] [data-assent-action="customise"]');
    await page.locator('[data-assent-ui="preferences"]').waitFor();
    assert.ok(server.requests.includes(`${SEED_BASE}assent_ui_bg.wasm`), 'the dialog loads it');
    await page.close();
    await server.close();
    await browser.close();
  });

  it('a returning visitor\'s allowed tags run before any WebAssembly arrives', async () => {
    const browser = await launch();
    const server = await serve({ pages: { '/': gatedPage() } });
    const page = await open(browser.context, server.url + '/');
    await page.click('[data-assent-ui="banner"] [data-assent-action="accept-all"]');
    await page.waitForFunction(() => window.externalRuns === 1);
    // Hold the runtime's WebAssembly back until the gated scripts have run.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route('**/assent_runtime_bg.wasm', async (route) => { await held; await route.continue(); });
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.externalRuns === 1 && window.inlineRuns === 1);
    assert.equal(await page.evaluate(() => window.assent.get('analytics')), true);
    release();
    await page.evaluate(() => window.assent.ready);
    await settled(page);
    assert.deepEqual(await page.evaluate(() => [window.inlineRuns, window.externalRuns]), [1, 1], 'ran once, not again when the runtime started');
    await page.close();
    await server.close();
    await browser.close();
  });

  it('a returning visitor downloads no interface code', async () => {
    const browser = await launch();
    const server = await serve({ pages: { '/': gatedPage() } });
    const page = await open(browser.context, server.url + '/');
    await page.click('[data-assent-ui="banner"] [data-assent-action="accept-all"]');
    await page.waitForFunction(() => window.externalRuns === 1);
    server.requests.length = 0;
    await page.reload();
    await settled(page);
    await page.waitForFunction(() => window.externalRuns === 1);
    const assentFiles = server.requests.filter((r) => r.startsWith('/assent/') || r.startsWith('/small/')).sort();
    assert.deepEqual(assentFiles, [
      ...['assent.css', 'assent.js', 'assent_runtime.js', 'assent_runtime_bg.wasm'].map((name) => SEED_BASE + name),
      SMALL.config,
    ]);
    await page.close();
    await server.close();
    await browser.close();
  });
});
