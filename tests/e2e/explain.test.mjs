// The just-in-time permission notice, `assent.explain(permission)`, on the seed
// configuration: it shows the permission's configured purpose, who asks and what
// refusing costs, in the interface language, and resolves with the user's answer
// (allow true; not now and Escape false) before the page calls the permission prompt.
// Keyboard: focus moves in, Tab stays in, focus returns to the opener. One notice at a
// time; a call queued by the stub still resolves; an unknown id rejects and shows
// nothing; no consent is recorded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, open, serve, settled, snippetFor } from './harness.mjs';

const seed = JSON.parse(readFileSync(new URL('../../config/default.json', import.meta.url), 'utf8'));
const camera = seed.permissions.find((p) => p.id === 'camera');
const notice = '[data-assent-ui="explain"]';
const allow = `${notice} [data-assent-action="explain-allow"]`;
const deny = `${notice} [data-assent-action="explain-deny"]`;

function h5(lang, head = '') {
  const snippet = snippetFor().replace('<script ', `<script data-lang="${lang}" `);
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${snippet}${head}</head>
<body><h1>H5</h1><button type="button" id="scan">Scan ID card</button></body></html>`;
}

/** Starts `assent.explain(id)` from the page's button (so it is the opener) and keeps
 * its outcome in window.outcomes[n]. */
async function start(page, id = 'camera') {
  return page.evaluate((id) => {
    window.outcomes = window.outcomes || [];
    const n = window.outcomes.length;
    window.outcomes.push('pending');
    document.getElementById('scan').focus();
    window.assent.explain(id).then((granted) => { window.outcomes[n] = granted; },
      (error) => { window.outcomes[n] = `error: ${error.message}`; });
    return n;
  }, id);
}

const outcome = (page, n) => page.waitForFunction((n) => window.outcomes[n] !== 'pending', n)
  .then(() => page.evaluate((n) => window.outcomes[n], n));

describe('assent.explain', () => {
  let browser, server;
  before(async () => {
    browser = await launch({ viewport: { width: 360, height: 740 } });
    const early = '<script>window.early = window.assent.explain(\'camera\');</script>';
    server = await serve({ pages: { '/zh': h5('zh-CN'), '/en': h5('en'), '/early': h5('zh-CN', early) } });
  });
  after(async () => {
    await server?.close();
    await browser?.close();
  });

  it('resolves true on allow, false on not now and on Escape, each time removing the notice', async () => {
    const page = await open(browser.context, `${server.url}/en`);
    await settled(page);
    await page.evaluate(() => {
      window.events = [];
      window.assent.on('explain', (detail) => window.events.push(detail));
    });
    const answers = [];
    for (const answer of [(p) => p.click(allow), (p) => p.click(deny), (p) => p.keyboard.press('Escape')]) {
      const n = await start(page);
      await page.locator(notice).waitFor();
      await answer(page);
      answers.push(await outcome(page, n));
      assert.equal(await page.locator(notice).count(), 0, 'the notice is gone');
    }
    assert.deepEqual(answers, [true, false, false]);
    assert.deepEqual(await page.evaluate(() => window.events), [
      { permission: 'camera', granted: true },
      { permission: 'camera', granted: false },
      { permission: 'camera', granted: false },
    ]);
    await page.close();
  });

  it('takes focus, keeps Tab inside, and gives focus back to the opener', async () => {
    const page = await open(browser.context, `${server.url}/en`);
    await settled(page);
    const n = await start(page);
    await page.locator(notice).waitFor();
    assert.equal(await page.evaluate((s) => document.querySelector(s).contains(document.activeElement), notice), true);
    const visited = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press(i % 2 ? 'Shift+Tab' : 'Tab');
      visited.push(await page.evaluate(() => document.activeElement.dataset.assentAction || document.activeElement.id));
    }
    assert.ok(visited.every((a) => a === 'explain-allow' || a === 'explain-deny'), visited.join(' '));
    await page.keyboard.press('Escape');
    assert.equal(await outcome(page, n), false);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'scan');
    await page.close();
  });

  for (const lang of ['zh-CN', 'en']) {
    it(`shows the seed's camera purpose, who asks and what refusing costs, in ${lang}`, async () => {
      const page = await open(browser.context, `${server.url}/${lang === 'en' ? 'en' : 'zh'}`);
      await settled(page);
      const n = await start(page);
      await page.locator(notice).waitFor();
      const shown = await page.evaluate((s) => {
        const dialog = document.querySelector(s);
        const label = document.getElementById(dialog.getAttribute('aria-labelledby'));
        return {
          role: dialog.getAttribute('role'),
          modal: dialog.getAttribute('aria-modal'),
          lang: dialog.lang,
          label: label?.textContent,
          text: dialog.innerText,
          buttons: [...dialog.querySelectorAll('button')].map((b) => [b.dataset.assentAction, b.getBoundingClientRect().height]),
        };
      }, notice);
      assert.equal(shown.role, 'dialog');
      assert.equal(shown.modal, 'true');
      assert.equal(shown.lang, lang);
      assert.ok(shown.label.includes(camera.name[lang]), shown.label);
      for (const field of ['purpose', 'requestedBy', 'refusalConsequence']) {
        assert.ok(shown.text.includes(camera[field][lang]), `${field} in ${lang}`);
      }
      assert.deepEqual(shown.buttons.map(([action]) => action), ['explain-deny', 'explain-allow']);
      assert.equal(shown.buttons[0][1], shown.buttons[1][1], 'the two buttons are the same size');
      await page.click(deny);
      assert.equal(await outcome(page, n), false);
      await page.close();
    });
  }

  it('rejects an unknown id with an error naming it and the configured ids, showing nothing', async () => {
    const page = await open(browser.context, `${server.url}/en`);
    await settled(page);
    const n = await start(page, 'telepathy');
    const error = await outcome(page, n);
    assert.match(error, /^error: unknown permission "telepathy"; the configured permissions are phone-state, .*camera/);
    assert.equal(await page.locator(notice).count(), 0);
    // The next call is not blocked by the failed one.
    const next = await start(page);
    await page.click(allow);
    assert.equal(await outcome(page, next), true);
    await page.close();
  });

  it('answers a call the stub queued before the loader had finished', async () => {
    const page = await open(browser.context, `${server.url}/early`);
    await page.locator(notice).waitFor();
    assert.equal(await page.getAttribute(notice, 'data-assent-permission'), 'camera');
    await page.click(allow);
    assert.equal(await page.evaluate(() => window.early), true);
    await page.close();
  });

  it('shows one notice at a time: a second call waits for the first answer', async () => {
    const page = await open(browser.context, `${server.url}/zh`);
    await settled(page);
    const first = await start(page, 'camera');
    const second = await start(page, 'location');
    await page.locator(notice).waitFor();
    assert.equal(await page.locator(notice).count(), 1);
    assert.equal(await page.getAttribute(notice, 'data-assent-permission'), 'camera');
    await page.click(allow);
    assert.equal(await outcome(page, first), true);
    await page.locator(`${notice}[data-assent-permission="location"]`).waitFor();
    assert.equal(await page.locator(notice).count(), 1);
    await page.click(deny);
    assert.equal(await outcome(page, second), false);
    assert.equal(await page.locator(notice).count(), 0);
    await page.close();
  });

  it('records no consent decision, before or after one exists', async () => {
    const page = await open(browser.context, `${server.url}/en`);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await settled(page);
    const stored = () => page.evaluate(() => ({ record: localStorage.getItem('assent'), history: localStorage.getItem('assent.history') }));
    const answer = async (button) => {
      const n = await start(page);
      await page.click(button);
      await outcome(page, n);
    };
    const empty = await stored();
    await answer(allow);
    assert.deepEqual(await stored(), empty, 'nothing written without a decision');
    assert.ok(await page.locator('[data-assent-ui="banner"]').isVisible(), 'the banner still asks');
    assert.equal(await page.evaluate(() => window.assent.state().consentId), null, 'still undecided');

    await page.click('[data-assent-ui="banner"] [data-assent-action="reject-all"]');
    const decided = await stored();
    assert.ok(decided.record);
    await answer(allow);
    await answer(deny);
    assert.deepEqual(await stored(), decided, 'the record and the history are unchanged');
    await page.close();
  });
});
