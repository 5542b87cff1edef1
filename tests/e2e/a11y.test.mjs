// Accessibility: axe-core (serious and critical) on the banner, the preferences and the
// permission notice (assent.explain) in both languages with the seed configuration,
// keyboard use of the dialog (focus moves in, Tab stays in, Escape closes and restores
// focus), focus never hidden behind the banner, and layout at 200% zoom and 320 CSS px
// (WCAG 1.4.4 and 1.4.10).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { launch, open, serve, snippetFor } from './harness.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const banner = '[data-assent-ui="banner"]';
const prefs = '[data-assent-ui="preferences"]';
const explain = '[data-assent-ui="explain"]';

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

    it(`in the permission notice (assent.explain), ${lang}, at 360 px`, async () => {
      const page = await open(browser.context, `${server.url}/${lang === 'en' ? 'en' : 'zh'}`);
      await page.evaluate(() => window.assent.ready);
      await page.evaluate(() => { window.assent.explain('camera'); });
      await page.waitForSelector(explain);
      assert.equal(await page.getAttribute(explain, 'lang'), lang);
      assert.deepEqual(await axe(page, explain), []);
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

  for (const switched of [false, true]) it(`never hides the focused element behind the banner${switched ? ', after a language switch (a new banner element)' : ''}`, async () => {
    const page = await open(browser.context, `${server.url}/links`);
    await page.waitForSelector(banner);
    if (switched) {
      const before = await page.getAttribute(banner, 'lang');
      await page.click(`${banner} [data-assent-action="language"]`);
      await page.waitForFunction(([sel, lang]) => document.querySelector(sel)?.lang !== lang, [banner, before]);
      await page.evaluate(() => document.activeElement.blur());
    }
    await page.waitForFunction(() => getComputedStyle(document.documentElement).scrollPaddingBottom !== '0px');
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const hidden = await page.evaluate((banner) => {
        const focused = document.activeElement;
        // (Past the last control, focus leaves the page: the body.)
        if (!focused || focused === document.body || focused.closest(banner)) return null;
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

// WCAG 1.4.4 (text resized to 200%) and 1.4.10 (reflow): a 1280x800 window zoomed to
// 200% is a 640x400 CSS-pixel viewport at device scale 2; reflow is 320 CSS pixels
// wide; the 360x740 phones Assent is built for, zoomed to 200%, are 180x370. In each,
// for each language: the page never scrolls sideways, no text of the banner or the
// preferences runs out of its box or the viewport, the banner fits the viewport or
// scrolls, and every control can be scrolled fully into view and is not covered there.
const ZOOMED = [
  { name: '1280x800 at 200%', width: 640, height: 400 },
  { name: '320 CSS px wide', width: 320, height: 480 },
  { name: '360x740 at 200%', width: 180, height: 370 },
];

/** Everything wrong with the layout of `selector` in the current viewport. */
function layoutProblems(page, selector) {
  return page.evaluate((selector) => {
    const problems = [];
    const root = document.querySelector(selector);
    const name = (el) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''}` +
      ` "${el.textContent.trim().slice(0, 30)}"`;
    const page = document.scrollingElement;
    const vw = page.clientWidth;
    const vh = window.innerHeight;
    if (page.scrollWidth > vw) problems.push(`the page scrolls sideways: ${page.scrollWidth} > ${vw}`);
    const box = root.getBoundingClientRect();
    if (box.left < -1 || box.right > vw + 1) problems.push(`${selector} spans ${box.left}..${box.right} of ${vw}`);
    if (box.top < -1 || box.bottom > vh + 1) {
      problems.push(`${selector} spans ${box.top}..${box.bottom} of a ${vh} px high viewport`);
    }
    for (const el of [root, ...root.querySelectorAll('*')]) {
      if (!el.getClientRects().length) continue; // not rendered (a closed <details>)
      if (el.clientWidth && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`${name(el)} overflows sideways: ${el.scrollWidth} > ${el.clientWidth}`);
      }
      const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (!hasText) continue;
      for (const r of el.getClientRects()) {
        if (r.left < box.left - 1 || r.right > box.right + 1) {
          problems.push(`${name(el)} runs out of ${selector}: ${r.left}..${r.right} of ${box.left}..${box.right}`);
          break;
        }
      }
    }
    // Content taller than the box must be reachable by scrolling the box itself.
    if (root.scrollHeight > root.clientHeight + 1 && !['auto', 'scroll'].includes(getComputedStyle(root).overflowY)) {
      problems.push(`${selector} is taller than its box and does not scroll`);
    }
    const controls = root.querySelectorAll('button, a[href], input, summary, [tabindex]:not([tabindex="-1"])');
    for (const el of controls) {
      el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const r = el.getClientRects()[0] ?? el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1) {
        problems.push(`${name(el)} is not fully in view after scrolling: ${r.left},${r.top}..${r.right},${r.bottom}`);
        continue;
      }
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(el.contains(hit) || hit.contains(el) || hit.closest('label')?.contains(el))) {
        problems.push(`${name(el)} is covered by ${hit ? name(hit) : 'nothing'}`);
      }
    }
    for (const el of [root, ...root.querySelectorAll('*')]) el.scrollTop = 0;
    return problems;
  }, selector);
}

describe('200% zoom and 320 CSS px (WCAG 1.4.4, 1.4.10)', () => {
  let zoomed;
  before(async () => {
    zoomed = await launch({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
  });
  after(async () => {
    await zoomed?.close();
  });

  for (const { name, width, height } of ZOOMED) {
    for (const lang of ['zh-CN', 'en']) {
      it(`${name}, ${lang}: nothing scrolls sideways or is clipped, every control is reachable`, async () => {
        const page = await open(zoomed.context, `${server.url}/${lang === 'en' ? 'en' : 'zh'}`);
        await page.setViewportSize({ width, height });
        await page.waitForSelector(banner);
        assert.deepEqual(await layoutProblems(page, banner), []);
        for (const action of ['reject-all', 'accept-all', 'customise']) {
          const button = page.locator(`${banner} [data-assent-action="${action}"]`);
          await button.scrollIntoViewIfNeeded();
          const r = await button.boundingBox();
          // 1 px for sub-pixel positions at device scale 2 (playwright leaves a button
          // 0.4 px past the edge as "visible").
          assert.ok(r.x >= -1 && r.y >= -1 && r.x + r.width <= width + 1 && r.y + r.height <= height + 1,
            `${action} at ${JSON.stringify(r)} in ${width}x${height}`);
        }
        await page.click(`${banner} [data-assent-action="customise"]`);
        await page.waitForSelector(prefs);
        await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
        assert.deepEqual(await layoutProblems(page, prefs), []);
        await page.close();
      });
    }
  }
});
