// The visitor's language, chosen by the loader before anything loads
// (www/loader/language.js): the shared vectors of tests/fixtures/language-vectors.json
// (the same tag mapping the Rust core is tested on, src/language.rs) run here in
// Chromium through what the visitor sees, the first visit's banner.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, open, serve, settled, snippetFor } from './harness.mjs';

const vectors = JSON.parse(readFileSync(new URL('../fixtures/language-vectors.json', import.meta.url), 'utf8'));
const banner = '[data-assent-ui="banner"]';

/** A page with the seed's snippet, `data-lang` when given, and `<html lang>`. */
function page(url) {
  const tag = url.searchParams.get('tag');
  const lang = url.searchParams.get('page');
  const snippet = tag === null ? snippetFor() : snippetFor().replace('<script ', `<script data-lang="${tag}" `);
  return `<!doctype html><html${lang === null ? '' : ` lang="${lang}"`}><head><meta charset="utf-8">${snippet}</head><body><h1>Page</h1></body></html>`;
}

describe('the visitor\'s language', () => {
  let server;
  before(async () => {
    server = await serve({ pages: { '/': page } });
  });
  after(async () => {
    await server?.close();
  });

  /** Opens the page in a browser whose languages are `browser` (null: none), with
   * `remembered` stored under assent.lang, and returns the banner's language before
   * and after the runtime started. */
  async function bannerLanguage({ browser, remembered, tag, page: lang }) {
    const { context, close } = await launch({ locale: browser ?? 'en-US' });
    try {
      await context.addInitScript(({ noLanguages, stored }) => {
        if (noLanguages) Object.defineProperty(Navigator.prototype, 'languages', { get: () => [] });
        if (stored !== null && !sessionStorage.getItem('seeded')) {
          localStorage.setItem('assent.lang', stored);
          sessionStorage.setItem('seeded', '1');
        }
      }, { noLanguages: browser === null, stored: remembered });
      const query = new URLSearchParams();
      if (tag !== null) query.set('tag', tag);
      if (lang !== null) query.set('page', lang);
      const tab = await open(context, `${server.url}/?${query}`);
      await tab.waitForSelector(banner);
      const first = await tab.getAttribute(banner, 'lang');
      await settled(tab);
      const started = await tab.getAttribute(banner, 'lang');
      await tab.close();
      return [first, started];
    } finally {
      await close();
    }
  }

  for (const vector of vectors.precedence) {
    it(vector.name, async () => {
      assert.deepEqual(await bannerLanguage(vector), [vector.expect, vector.expect]);
    });
  }

  it('every tag maps as the Rust core maps it (through data-lang)', async () => {
    const { context, close } = await launch({ locale: 'en-US' });
    try {
      for (const [tag, expected] of vectors.tags) {
        const tab = await open(context, `${server.url}/?${new URLSearchParams({ tag })}`);
        await tab.waitForSelector(banner);
        // A tag that is not given falls through to the browser's language (en-US).
        assert.equal(await tab.getAttribute(banner, 'lang'), expected ?? 'en', JSON.stringify(tag));
        await tab.close();
      }
    } finally {
      await close();
    }
  });
});
