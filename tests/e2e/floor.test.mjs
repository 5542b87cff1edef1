// The documented browser floor (README "Supported floor": Chrome/Edge/Android WebView
// 91, Firefox 90, Safari/iOS 15) really works:
// - every shipped WebAssembly module validates with only the floor's features (wabt,
//   a decoder independent of the binaryen that built them): no reference types, no
//   SIMD, nothing later;
// - the loader's feature probe needs exactly the features it says it checks;
// - on a page whose first inline script deletes the built-ins newer than the floor
//   (what the floor lint in eslint.config.js guards statically), a first visit,
//   accept all, a return visit with early gating and the preferences with Tab and
//   Escape all work, with no page error.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import initWabt from 'wabt';
import { launch, open, serve } from './harness.mjs';
import { gatedPage, STRIP } from './pages.mjs';

const dist = new URL('../../dist/', import.meta.url);
const banner = '[data-assent-ui="banner"]';
const prefs = '[data-assent-ui="preferences"]';

/** What the floor's engines have beyond WebAssembly 1.0 (Chrome 91 lacks reference
 * types, Safari 15 SIMD); everything else wabt knows is off. */
const FLOOR = { mutable_globals: true, sat_float_to_int: true, sign_extension: true, multi_value: true, bulk_memory: true };

function featureSet(wabt, enabled) {
  return Object.fromEntries(Object.keys(wabt.FEATURES).map((name) => [name, Boolean(enabled[name])]));
}

function validate(wabt, bytes, enabled) {
  const module = wabt.readWasm(bytes, { readDebugNames: false, ...featureSet(wabt, enabled) });
  try {
    module.validate();
  } finally {
    module.destroy();
  }
}

describe('WebAssembly at the floor', () => {
  let wabt;
  before(async () => {
    wabt = await initWabt();
  });

  const modules = readdirSync(dist).filter((name) => name.endsWith('.wasm'));
  it('ships WebAssembly modules', () => assert.ok(modules.length >= 2, modules.join(', ')));
  for (const name of modules) {
    it(`${name} validates with the floor's features only (no reference types)`, () => {
      validate(wabt, readFileSync(new URL(name, dist)), FLOOR);
    });
  }

  it("the loader's probe validates at the floor and fails without each feature it checks", () => {
    const source = readFileSync(new URL('../../www/loader/boot.js', import.meta.url), 'utf8');
    const probe = new Uint8Array(Buffer.from(source.match(/const FEATURES = '([A-Za-z0-9+/=]+)'/)[1], 'base64'));
    validate(wabt, probe, FLOOR);
    for (const feature of ['bulk_memory', 'sat_float_to_int', 'sign_extension']) {
      assert.throws(() => validate(wabt, probe, { ...FLOOR, [feature]: false }), undefined, feature);
    }
  });
});

describe('a page without the built-ins newer than the floor', () => {
  let browser, server;
  before(async () => {
    browser = await launch();
    server = await serve({
      pages: { '/': gatedPage({ body: '<button id="own">page</button>' }).replace('<head>', `<head>\n${STRIP}`) },
    });
  });
  after(async () => {
    await server?.close();
    await browser?.close();
  });

  const runs = (page) => page.evaluate(() => ({ inline: window.inlineRuns || 0, external: window.externalRuns || 0 }));
  const noErrors = (page) => assert.ok(!page.logs.some((l) => l.startsWith('pageerror') || l.startsWith('error: assent')), page.logs.join('\n'));

  it('first visit, accept all, return visit with early gating, preferences with Tab and Escape', async () => {
    const page = await open(browser.context, server.url + '/');
    assert.equal(await page.evaluate(() => window.stripped), 'undefinedundefinedundefinedundefined', 'the built-ins are gone');
    await page.waitForSelector(banner);
    assert.deepEqual(await runs(page), { inline: 0, external: 0 }, 'gated before a choice');
    await page.click(`${banner} [data-assent-action="accept-all"]`);
    await page.waitForFunction(() => window.externalRuns === 1 && window.inlineRuns === 1);
    noErrors(page);

    // Return visit: the stub's record runs the tags before the runtime has started.
    await page.reload();
    await page.waitForFunction(() => window.externalRuns === 1 && window.inlineRuns === 1);
    assert.equal(await page.evaluate(() => window.assent.get('analytics')), true);
    await page.evaluate(() => window.assent.ready);
    assert.equal(await page.$(banner), null, 'no banner for a returning visitor');

    // Preferences: focus moves in, Tab stays inside (the focus trap's visibility test),
    // Escape closes and focus returns to the reopen control.
    await page.focus('.assent-reopen');
    await page.keyboard.press('Enter');
    await page.waitForFunction((prefs) => document.activeElement?.matches(prefs), prefs);
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press(i % 4 ? 'Tab' : 'Shift+Tab');
      assert.ok(await page.evaluate((prefs) => document.querySelector(prefs).contains(document.activeElement), prefs),
        `focus left the dialog after ${i + 1} presses`);
    }
    await page.keyboard.press('Escape');
    await page.waitForSelector(prefs, { state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.classList.contains('assent-reopen'));
    noErrors(page);
    await page.close();
  });
});
