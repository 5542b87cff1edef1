// Accessibility: axe-core (serious and critical) on the banner and the preferences in
// both languages with the seed configuration, keyboard use of the dialog (focus moves
// in, Tab stays in, Escape closes and restores focus), and focus never hidden behind
// the banner.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { launch, open, serve, snippetFor } from './harness.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const banner = '[data-assent-ui="banner"]';
const prefs = '[data-assent-ui="preferences"]';

function seedPage(lang, body = '') {
  const head = snippetFor().replace('<script ', `<script data-lang="${lang}" `);
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>H5</title>${head}</head>
<body><main><h1>H5</h1>${body}</main></body></html>`;
}

async function axe(page, selector) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate((selector) => window.axe.run(selector, { resultTypes: ['violations'] }), selector);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
}

let browser, server;
before(async () => {
  browser = await launch({ viewport: { width: 360, height: 740 } });
  const links = Array.from({ length: 40 }, (_, i) => `<p><a href="#l${i}" id="l${i}">link ${i}</a></p>`).join('');
  server = await serve({
    pages: { '/zh': seedPage('zh-CN'), '/en': seedPage('en'), '/links': seedPage('en', links) },
  });
});
after(async () => {
  await server?.close();
  await browser?.close();
});

describe('axe-core finds no serious or critical violation', () => {
  for (const lang of ['zh-CN', 'en']) {
    it(`in the banner and the preferences, ${lang}`, async () => {
      const page = await open(browser.context, `${server.url}/${lang === 'en' ? 'en' : 'zh'}`);
      await page.waitForSelector(banner);
      assert.deepEqual(await axe(page, banner), []);
      await page.click(`${banner} [data-assent-action="customise"]`);
      await page.waitForSelector(prefs);
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
      assert.deepEqual(await axe(page, prefs), []);
      await page.close();
    });
  }
});

describe('keyboard', () => {
  it('focus moves into the preferences, Tab stays inside, Escape closes and restores focus', async () => {
    const page = await open(browser.context, `${server.url}/en`);
    await page.waitForSelector(banner);
    await page.focus(`${banner} [data-assent-action="customise"]`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((prefs) => document.activeElement?.matches(prefs), prefs);
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press(i % 3 ? 'Tab' : 'Shift+Tab');
      assert.ok(await page.evaluate((prefs) => document.querySelector(prefs).contains(document.activeElement), prefs),
        `focus left the dialog after ${i + 1} presses`);
    }
    await page.keyboard.press('Escape');
    await page.waitForSelector(prefs, { state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.dataset.assentAction === 'customise');
    await page.close();
  });

  it('never hides the focused element behind the banner', async () => {
    const page = await open(browser.context, `${server.url}/links`);
    await page.waitForSelector(banner);
    await page.waitForFunction(() => getComputedStyle(document.documentElement).scrollPaddingBottom !== '0px');
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const hidden = await page.evaluate((banner) => {
        const focused = document.activeElement;
        if (!focused || focused.closest(banner)) return null;
        const top = document.querySelector(banner).getBoundingClientRect().top;
        const rect = focused.getBoundingClientRect();
        return rect.bottom > top + 1 ? `${focused.textContent} at ${rect.bottom} under ${top}` : null;
      }, banner);
      assert.equal(hidden, null);
    }
    await page.close();
  });
});

describe('user preferences of the system', () => {
  it('dark mode darkens the banner and dialog (still passing axe); reduced motion stops the switch animation', async () => {
    const page = await open(browser.context, `${server.url}/en`);
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await page.waitForSelector(banner);
    const background = await page.evaluate((banner) => getComputedStyle(document.querySelector(banner)).backgroundColor, banner);
    const [r, g, b] = background.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 200, `dark banner, got ${background}`);
    assert.deepEqual(await axe(page, banner), []);
    await page.click(`${banner} [data-assent-action="customise"]`);
    await page.waitForSelector(prefs);
    const transition = await page.evaluate((prefs) =>
      getComputedStyle(document.querySelector(`${prefs} .assent-switch__track`), '::after').transitionDuration, prefs);
    assert.equal(transition, '0s');
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    const moving = await page.evaluate((prefs) =>
      getComputedStyle(document.querySelector(`${prefs} .assent-switch__track`), '::after').transitionDuration, prefs);
    assert.notEqual(moving, '0s', 'the animation exists without the preference');
    await page.close();
  });
});
