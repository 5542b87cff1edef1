// The loader's gate rule (www/loader/gating.js `allowed`) against the shared gate
// vectors (tests/fixtures/gate-vectors.json), the same file the core's
// GateExpression::allows is tested on (src/gate.rs), so the two never disagree about
// whether a tag may run. Each group's answers are a stored record and each case a gated
// inline script; the runtime's WebAssembly never arrives, so what runs is decided by
// the loader's rule alone, as for a returning visitor before anything else loads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, open, serve, SMALL, snippetFor } from './harness.mjs';

const { groups } = JSON.parse(readFileSync(new URL('../fixtures/gate-vectors.json', import.meta.url), 'utf8'));
const escape = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function page(group) {
  const scripts = group.cases.map(([expression], i) =>
    `<script type="text/plain" data-assent="${escape(expression)}">window.ran.push(${i});</script>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">${snippetFor(SMALL)}
<script>window.ran = [];</script></head><body>${scripts}</body></html>`;
}

const record = (decisions) => JSON.stringify({
  schema: 1, policyVersion: SMALL.policyVersion, configDigest: SMALL.digest,
  consentId: '0f8c2a4e-3b1d-4c5e-9f60-718293a4b5c6', createdAt: 1, updatedAt: 1,
  expiresAt: 8_000_000_000_000, language: 'en', method: 'api', decisions,
});

describe('the loader\'s gate rule, on the shared gate vectors', () => {
  let browser;
  let server;
  before(async () => {
    browser = await launch();
    server = await serve({ pages: Object.fromEntries(groups.map((g, i) => [`/${i}`, page(g)])) });
  });
  after(async () => {
    await server?.close();
    await browser?.close();
  });

  groups.forEach((group, i) => {
    it(group.name, async () => {
      const tab = await browser.context.newPage();
      // Held for good: only the loader's early path decides.
      await tab.route('**/assent_runtime_bg.wasm', () => {});
      await tab.goto(`${server.url}/blank`).catch(() => {});
      await tab.evaluate((text) => localStorage.setItem('assent', text), record(group.decisions));
      await tab.goto(`${server.url}/${i}`);
      await tab.waitForFunction(() => window.assent._cfg && document.readyState === 'complete');
      await tab.waitForTimeout(100);
      const ran = await tab.evaluate(() => window.ran);
      const expected = group.cases.flatMap(([, allows], j) => (allows ? [j] : []));
      const name = (j) => JSON.stringify(group.cases[j][0]);
      assert.deepEqual(ran.map(name), expected.map(name));
      await tab.evaluate(() => localStorage.clear());
      await tab.close();
    });
  });
});
