// The seed disclosures on screen: the preferences, in each language, show every
// purpose, third party (with the sharing list's fields), permission and feature of the
// default configuration, on a phone-sized viewport, and the user rights (every right,
// link, the controller's phone, the contact) in both languages. And the language
// precedence: the user's switch (remembered), the loader tag, the browser, zh-CN.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, open, serve, snippetFor } from './harness.mjs';
import { gatedPage } from './pages.mjs';

const seed = JSON.parse(readFileSync(new URL('../../config/default.json', import.meta.url), 'utf8'));

function seedPage({ lang, pageLang = 'zh-CN' } = {}) {
  let head = snippetFor();
  if (lang) head = head.replace('<script ', `<script data-lang="${lang}" `);
  return `<!doctype html><html lang="${pageLang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${head}</head>
<body><h1>H5</h1></body></html>`;
}

const banner = '[data-assent-ui="banner"]';
const prefs = '[data-assent-ui="preferences"]';

/** The texts of every entity that are not visible inside the preferences. */
async function missingOnScreen(page, lang) {
  const wanted = [
    ...seed.purposes.map((p) => ['purpose', `[data-assent-purpose-section="${p.id}"]`, p.name[lang]]),
    ...seed.thirdParties.map((t) => ['third party', `[data-assent-third-party="${t.id}"]`, t.name[lang]]),
    ...seed.permissions.map((p) => ['permission', `[data-assent-permission="${p.id}"]`, p.name[lang]]),
    ...seed.features.map((f) => ['feature', `[data-assent-feature="${f.id}"]`, f.name[lang]]),
    ...seed.thirdParties.filter((t) => t.processingRulesUrl)
      .map((t) => ['processing rules link', `[data-assent-third-party="${t.id}"] a[href="${t.processingRulesUrl}"]`, t.processingRulesUrl]),
  ];
  return page.evaluate(({ prefs, wanted }) => {
    const dialog = document.querySelector(prefs);
    for (const details of dialog.querySelectorAll('details')) details.open = true;
    return wanted.filter(([, selector, text]) => {
      const elements = [...dialog.querySelectorAll(selector)];
      return !elements.some((el) => el.checkVisibility() && el.innerText.includes(text));
    }).map(([kind, , text]) => `${kind}: ${text}`);
  }, { prefs, wanted });
}

describe('the seed disclosures', () => {
  let browser, server;
  before(async () => {
    browser = await launch({ viewport: { width: 360, height: 740 } });
    server = await serve({ pages: { '/zh': seedPage({ lang: 'zh-CN' }), '/en': seedPage({ lang: 'en' }) } });
  });
  after(async () => {
    await server?.close();
    await browser?.close();
  });
  /** The seed page in `lang`, with the preferences opened from the banner. */
  async function preferences(lang) {
    const page = await open(browser.context, `${server.url}/${lang === 'en' ? 'en' : 'zh'}`);
    await page.click(`${banner} [data-assent-action="customise"]`);
    await page.waitForSelector(prefs);
    return page;
  }

  for (const lang of ['zh-CN', 'en']) {
    it(`are all on screen in ${lang} at 360 px: every purpose, third party, permission, feature`, async () => {
      const page = await preferences(lang);
      assert.equal(await page.getAttribute(prefs, 'lang'), lang);
      assert.deepEqual(await missingOnScreen(page, lang), []);
      // A purpose named after its legal basis does not repeat it as a badge.
      const necessary = seed.purposes.find((p) => p.id === 'necessary').name[lang];
      const head = await page.innerText(`${prefs} [data-assent-purpose-section="necessary"] .assent-purpose__head`);
      assert.equal(head.split(necessary).length - 1, 1, head);
      // Sensitive data is visibly marked; the dialog does not scroll sideways.
      const marks = await page.locator(`${prefs} .assent-sensitive`).count();
      assert.ok(marks > 10, `${marks} sensitive marks`);
      const overflow = await page.evaluate((prefs) => {
        const dialog = document.querySelector(prefs);
        return [...dialog.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
          .map((el) => el.outerHTML.slice(0, 80));
      }, prefs);
      assert.deepEqual(overflow, [], 'nothing wider than the phone');
      await page.close();
    });
  }

  it('the banner links to the policy only where it has a page of its own (review #14)', async () => {
    const links = async (url) => {
      const page = await open(browser.context, url);
      await page.waitForSelector(banner);
      const found = await page.$$eval(`${banner} a`, (as) => as.map((a) => [a.getAttribute('href'), a.innerText]));
      await page.close();
      return found;
    };
    // The seed's policy has no URL (004 gives none): no link, rather than one to its
    // contact form labelled as the policy.
    assert.equal(seed.policy.links.policy, undefined);
    assert.deepEqual(await links(`${server.url}/zh`), []);
    assert.deepEqual(await links(`${server.url}/en`), []);
    const small = await serve({ pages: { '/': gatedPage() } });
    try {
      assert.deepEqual((await links(`${small.url}/`)).map(([href]) => href), ['https://example.com/privacy']);
    } finally {
      await small.close();
    }
  });

  it('the sharing statement under its own title, with its promise and its recipients, each saying which document lists it (review #9, #23, #40)', async () => {
    const { sharingStatement, title } = seed.policy;
    const listed = seed.thirdParties.filter((t) => t.disclosedIn.document === 'sharing-statement');
    for (const lang of ['zh-CN', 'en']) {
      const page = await preferences(lang);
      const shown = await page.evaluate((prefs) => {
        const dialog = document.querySelector(prefs);
        const section = dialog.querySelector('[data-assent-section="sharing-statement"]');
        section.open = true;
        return {
          summary: section.querySelector('summary').innerText,
          text: section.innerText,
          listed: [...section.querySelectorAll('[data-assent-listed]')].map((li) => li.dataset.assentListed),
          documents: Object.fromEntries([...dialog.querySelectorAll('[data-assent-third-party]')]
            .map((tp) => [tp.dataset.assentThirdParty, tp.querySelector('[data-assent-document]')?.textContent])),
        };
      }, prefs);
      assert.ok(shown.summary.startsWith(sharingStatement.title[lang]), shown.summary);
      assert.ok(shown.text.includes(sharingStatement.promise[lang]), lang);
      assert.deepEqual(shown.listed, listed.map((t) => t.id));
      for (const tp of seed.thirdParties) {
        const expected = tp.disclosedIn.document === 'sharing-statement' ? sharingStatement.title[lang] : title[lang];
        assert.equal(shown.documents[tp.id], expected, `${lang} ${tp.id}`);
      }
      await page.close();
    }
  });

  it("the policy's other sections, in configuration order, each with every paragraph (review #6, #8, #15-#18, #22)", async () => {
    const { sections } = seed.policy;
    assert.ok(sections.length >= 12);
    for (const lang of ['zh-CN', 'en']) {
      const page = await preferences(lang);
      const shown = await page.evaluate((prefs) => {
        const dialog = document.querySelector(prefs);
        const all = [...dialog.querySelectorAll('[data-assent-policy-section]')];
        for (const details of all) details.open = true;
        return all.map((d) => ({
          id: d.dataset.assentPolicySection,
          title: d.querySelector('summary').innerText,
          paragraphs: [...d.querySelectorAll('p')].filter((p) => p.checkVisibility()).map((p) => p.innerText),
          overflow: d.getBoundingClientRect().right > window.innerWidth + 1,
        }));
      }, prefs);
      assert.deepEqual(shown.map((s) => s.id), sections.map((s) => s.id), lang);
      sections.forEach((section, i) => {
        assert.equal(shown[i].title, section.title[lang]);
        assert.deepEqual(shown[i].paragraphs, section.body[lang].split('\n'), `${lang} ${section.id}`);
        assert.equal(shown[i].overflow, false, `${lang} ${section.id} fits 360 px`);
      });
      await page.close();
    }
  });

  it('user rights: each configured right and link, and the controller\'s contact, in both languages', async () => {
    const { rights, links, controller, contact } = seed.policy;
    assert.ok(rights.length > 0 && Object.keys(links).length > 1 && controller.phone && contact, 'the seed has them');
    for (const lang of ['zh-CN', 'en']) {
      const page = await preferences(lang);
      const shown = await page.evaluate((prefs) => {
        const dialog = document.querySelector(prefs);
        for (const details of dialog.querySelectorAll('details')) details.open = true;
        const visible = (el) => el.checkVisibility();
        const text = (selector) => [...dialog.querySelectorAll(selector)].filter(visible).map((el) => el.innerText).join('\n');
        return {
          lang: dialog.lang,
          rights: text('[data-assent-section="rights"]'),
          hrefs: [...dialog.querySelectorAll('[data-assent-section="rights"] a[href]')].filter(visible).map((a) => a.getAttribute('href')),
          linkLabels: [...dialog.querySelectorAll('[data-assent-section="rights"] .assent-links dt')].map((dt) => dt.innerText),
          controller: text('[data-assent-section="controller"]'),
          contact: text('[data-assent-section="contact"]'),
        };
      }, prefs);
      assert.equal(shown.lang, lang);
      const missing = [
        ...rights.filter((r) => !shown.rights.includes(r.name[lang])).map((r) => `right ${r.id}: ${r.name[lang]}`),
        ...Object.entries(links).filter(([, url]) => !shown.hrefs.includes(url)).map(([name, url]) => `link ${name}: ${url}`),
        ...(shown.controller.includes(controller.phone) ? [] : [`controller phone ${controller.phone}`]),
        ...contact[lang].split('\n').filter((line) => !shown.contact.includes(line)).map((line) => `contact: ${line.slice(0, 40)}`),
      ];
      assert.deepEqual(missing, [], lang);
      // Each link is labelled in the interface language, not by its configuration key.
      assert.equal(shown.linkLabels.length, Object.keys(links).length);
      const raw = shown.linkLabels.filter((label) => label in links || (lang === 'zh-CN' && !/[\u4e00-\u9fff]/.test(label)));
      assert.deepEqual(raw, [], `${lang} link labels`);
      await page.close();
    }
  });
});

describe('the language', () => {
  async function shownLanguage(context, url) {
    const page = await open(context, url);
    await page.waitForSelector(banner);
    const lang = await page.getAttribute(banner, 'lang');
    return { page, lang };
  }

  it('follows the browser, then zh-CN: zh-TW maps to zh-CN, fr to en', async () => {
    for (const [locale, expected] of [['en-US', 'en'], ['zh-TW', 'zh-CN'], ['fr-FR', 'en']]) {
      const browser = await launch({ locale });
      const server = await serve({ pages: { '/': seedPage({ pageLang: 'zh-CN' }) } });
      const { lang } = await shownLanguage(browser.context, server.url + '/');
      assert.equal(lang, expected, `browser ${locale}`);
      await server.close();
      await browser.close();
    }
  });

  it('prefers the loader tag to the browser, and the user switch (remembered) to both', async () => {
    const browser = await launch({ locale: 'en-US' });
    const server = await serve({ pages: { '/': seedPage({ lang: 'zh-CN' }) } });
    const { page, lang } = await shownLanguage(browser.context, server.url + '/');
    assert.equal(lang, 'zh-CN', 'the tag beats the browser');
    await page.click(`${banner} [data-assent-action="language"]`);
    await page.waitForSelector(`${banner}[lang="en"]`);
    assert.equal(await page.locator(banner).count(), 1, 'switched in place');
    await page.reload();
    await page.waitForSelector(banner);
    assert.equal(await page.getAttribute(banner, 'lang'), 'en', 'the switch is remembered and beats the tag');
    await server.close();
    await browser.close();
  });
});
