// Size budgets for what a site ships (dist/sizes.json, written by the build), and the
// split that keeps returning visitors fast: with a stored decision, the page loads the
// stub, the loader and the runtime, and the CSS for the reopen control: no interface
// module.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, open, serve, settled } from './harness.mjs';
import { gatedPage } from './pages.mjs';

const sizes = JSON.parse(readFileSync(new URL('../../dist/sizes.json', import.meta.url), 'utf8'));
const gzip = (name) => sizes[name].gzip;

// gzip bytes. Raise a budget only with a reason in the commit message.
const BUDGETS = {
  'assent-stub.js': 1024,
  // 4 KB: the loader carries gating, cross-tab sync, Consent Mode and keyboard focus handling.
  'assent.js': 4 * 1024,
  'assent_runtime.js': 5 * 1024,
  // 142 KB: the consent receipt (serde_json) joined the runtime; shrinking the runtime is issue 7's.
  'assent_runtime_bg.wasm': 142 * 1024,
  'assent_ui_bg.wasm': 200 * 1024,
  'assent.css': 3 * 1024,
};

describe('sizes', () => {
  for (const [name, budget] of Object.entries(BUDGETS)) {
    it(`${name} stays within ${budget} bytes gzip`, () => {
      assert.ok(gzip(name) <= budget, `${name} is ${gzip(name)} bytes gzip`);
    });
  }

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
    const assentFiles = server.requests.filter((r) => r.startsWith('/assent/')).sort();
    assert.deepEqual(assentFiles,
      ['/assent/assent.css', '/assent/assent.js', '/assent/assent_runtime.js', '/assent/assent_runtime_bg.wasm']);
    await page.close();
    await server.close();
    await browser.close();
  });
});
