// The inline stub's record reader against the shared record test vectors
// (tests/fixtures/record-vectors.json), the same file the Rust decoder is tested
// against (src/record.rs), so the two never disagree. The loader URL points nowhere:
// only the stub answers, as it does for a returning visitor before anything loads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, open, serve, snippetFor } from './harness.mjs';

const vectors = JSON.parse(readFileSync(new URL('../fixtures/record-vectors.json', import.meta.url), 'utf8'));
const POLICY = '2021-04-30';

describe('the stub reads the record exactly as the Rust decoder does', () => {
  let browser, server, page;
  before(async () => {
    browser = await launch();
    const head = snippetFor({ policyVersion: POLICY }).replace(/data-base="[^"]*"/, 'data-base="/nowhere/"');
    server = await serve({ pages: { '/': `<!doctype html><html><head>${head}</head><body></body></html>` } });
    page = await open(browser.context, server.url + '/');
  });
  after(async () => {
    await page?.close();
    await server?.close();
    await browser?.close();
  });

  const cases = [
    ...vectors,
    // Generated here and in the Rust tests: longer than 65536 UTF-16 units.
    { name: 'huge value', stored: '{"pad":"' + 'x'.repeat(70000) + '"}', policyVersion: POLICY, configDigest: vectors[0].configDigest, now: 1700000000000, expect: 'too-large' },
  ];
  for (const vector of cases) {
    it(vector.name, async () => {
      assert.equal(vector.policyVersion, POLICY, 'every vector uses the snippet policy version');
      const answerText = await page.evaluate(({ stored, now, ids, digest }) => {
        // The snippet's data-config-digest, as the vector says (null: none); the stub
        // reads its tag's attributes at every call.
        const tag = document.querySelector('script[data-policy-version]');
        if (digest == null) tag.removeAttribute('data-config-digest');
        else tag.setAttribute('data-config-digest', digest);
        if (stored == null) localStorage.removeItem('assent');
        else localStorage.setItem('assent', stored);
        const realNow = Date.now;
        Date.now = () => now;
        try {
          const state = window.assent.state();
          // As JSON text: an own "__proto__" key would not survive Playwright's copying.
          return JSON.stringify({ state: state ?? null, answers: ids.map((id) => [id, window.assent.get(id) ?? null]) });
        } finally {
          Date.now = realNow;
        }
      }, { stored: vector.stored ?? null, now: vector.now, digest: vector.configDigest, ids: Object.keys(vector.decisions ?? { necessary: 1, analytics: 1 }) });

      const answer = JSON.parse(answerText);
      const expected = Object.entries(vector.decisions ?? {});
      if (vector.expect === 'valid') {
        assert.deepEqual(answer.answers, expected);
        assert.deepEqual(Object.entries(answer.state.decisions), expected);
        assert.equal(answer.state.policyVersion, POLICY);
      } else {
        assert.equal(answer.state, null, `rejected (${vector.expect}): no state`);
        for (const [, value] of answer.answers) assert.equal(value, null, 'rejected: get() is undefined');
      }
    });
  }
});
