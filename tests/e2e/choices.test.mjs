// Finer choices and what happens when the disclosures change (issue 5), end to end
// on the seed configuration at 360 px: a third party refused by its own switch while
// its purpose stays granted, withdrawal reachable in two actions that clears only
// what the withdrawn party stored, and a changed configuration that asks again for
// the changed and new items only, showing what is new about them.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { answerBuild, compileConfig, launch, open, serve, settled, snippetFor } from './harness.mjs';

const seed = JSON.parse(readFileSync(new URL('../../config/default.json', import.meta.url), 'utf8'));
const text = (en) => ({ 'zh-CN': en, en });

/** The seed, plus a cookie and storage keys that Firebase (an analytics SDK) sets. */
const base = {
  ...seed,
  storage: [...seed.storage, {
    id: 'firebase-keys', kind: 'cookie', name: text('Firebase'), description: text('Firebase identifiers'),
    purposes: ['analytics'], thirdParties: ['firebase'], keys: ['_fb*'],
  }],
};

/** The configuration of a later release: a new analytics SDK, and Firebase now also
 * receives the location. */
const NEW_VERSION = '2026-11-23';
function updated() {
  const next = structuredClone(base);
  next.policy.version = NEW_VERSION;
  const firebase = next.thirdParties.find((t) => t.id === 'firebase');
  firebase.dataShared.push('location');
  next.thirdParties.push({
    ...structuredClone(firebase), id: 'new-sdk', name: text('New SDK'), company: text('New SDK Ltd.'),
    sdkName: 'New SDK', dataShared: ['device-model'], dataSharedNote: undefined, purposeOfUse: text('crash statistics'),
  });
  return next;
}

const TAGS = ['analytics', 'firebase', 'sensors-analytics', 'fabric-sdk', 'new-sdk'];
let served = base;
const h5 = () => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${snippetFor({ config: `/c/${compileConfig(served).configFile}`, digest: compileConfig(served).digest, policyVersion: served.policy.version })}</head><body><h1>H5</h1>
${TAGS.map((id) => `<script type="text/plain" data-assent="${id}">(window.ran = window.ran || []).push('${id}');</script>`).join('\n')}
</body></html>`;

/** Chromium at 360 px, and a server for the H5 page and the `served` configuration. */
async function start() {
  const browser = await launch({ viewport: { width: 360, height: 740 } });
  const server = await serve({
    pages: { '/': h5 },
    handler: (req, res, url) => answerBuild(compileConfig(served), '/c/', url, res),
  });
  return { browser, server };
}

/** Replaces `page` with a new one with nothing stored, on `config`. */
async function freshPage(config) {
  served = config;
  await page?.close();
  page = await open(browser.context, server.url + '/');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await settled(page);
}

const banner = '[data-assent-ui="banner"]';
const prefs = '[data-assent-ui="preferences"]';
const ran = (page) => page.evaluate(() => (window.ran || []).slice().sort());
const get = (page, id) => page.evaluate((id) => window.assent.get(id), id);

// One browser and one server for the file; every test starts from a fresh page.
let browser;
let server;
let page;
before(async () => ({ browser, server } = await start()));
after(async () => {
  await server.close();
  await browser.close();
});

describe('choices per third party, withdrawal, re-consent (seed configuration)', () => {
  beforeEach(async () => {
    await freshPage(base);
  });

  /** Accepts all in the banner. */
  async function acceptAll() {
    await page.click(`${banner} [data-assent-action="accept-all"]`);
    await page.waitForSelector(banner, { state: 'detached' });
  }

  it('one third party is refused by its own switch, one action from the page, while its purpose stays granted', async () => {
    await acceptAll();
    assert.deepEqual(await ran(page), ['analytics', 'fabric-sdk', 'firebase', 'sensors-analytics']);
    await page.evaluate(() => {
      document.cookie = '_fb_id=1; path=/';
      document.cookie = '_other=1; path=/';
      localStorage.setItem('_fb_session', 'x');
      window.changes = [];
      window.assent.on('change', (e) => window.changes.push(e));
    });

    // Action 1: the reopen control. The third party's switch is then in view, not folded.
    await page.click('.assent-reopen');
    const firebaseSwitch = page.locator(`${prefs} [data-assent-third-party-switch="firebase"]`);
    await firebaseSwitch.waitFor();
    assert.ok(await firebaseSwitch.isVisible() && await firebaseSwitch.isEnabled() && await firebaseSwitch.isChecked());
    assert.equal(await firebaseSwitch.getAttribute('aria-label'), 'Share with Firebase');
    // Action 2: its switch; saving records it.
    await firebaseSwitch.scrollIntoViewIfNeeded();
    await firebaseSwitch.click();
    await page.click(`${prefs} [data-assent-action="save"]`);

    assert.equal(await get(page, 'firebase'), false);
    assert.equal(await get(page, 'analytics'), true, 'its purpose stays granted');
    assert.equal(await get(page, 'sensors-analytics'), true, 'the other analytics SDKs too');
    // (A late listener first gets the current state, with nothing revoked.)
    const changes = await page.evaluate(() => window.changes.map((e) => e.revoked).filter((r) => r?.length));
    assert.deepEqual(changes, [['firebase']], 'tags are told what was withdrawn');
    const cookies = await page.evaluate(() => document.cookie.split('; ').sort());
    assert.deepEqual(cookies, ['_other=1'], "only the withdrawn party's cookie is cleared");
    assert.equal(await page.evaluate(() => localStorage.getItem('_fb_session')), null);
    const event = await page.evaluate(() => window.assent.history().at(-1));
    assert.deepEqual([event.choice, event.set.firebase, event.decisions.firebase], ['set', false, false]);

    // The next page view: its tag stays inert, the others run, nothing asks again.
    await page.reload();
    await settled(page);
    assert.deepEqual(await ran(page), ['analytics', 'fabric-sdk', 'sensors-analytics']);
    assert.equal(await page.locator(banner).count(), 0);
    // Its switch shows the refusal; the API can lift it.
    await page.evaluate(() => window.assent.set({ firebase: true }));
    assert.equal(await get(page, 'firebase'), true);
  });

  it('personalised recommendations and marketing messages have independent switches; refusing them keeps the service (PIPL Art. 24, 16)', async () => {
    await acceptAll();
    await page.evaluate(() => window.assent.set({ personalization: true }));
    await page.click('.assent-reopen');
    const marketing = page.locator(`${prefs} [data-assent-purpose="marketing"]`);
    const personalization = page.locator(`${prefs} [data-assent-purpose="personalization"]`);
    await marketing.waitFor();
    assert.ok(await marketing.isChecked() && await personalization.isChecked());
    await marketing.scrollIntoViewIfNeeded();
    await marketing.click();
    await page.click(`${prefs} [data-assent-action="save"]`);
    assert.equal(await get(page, 'marketing'), false);
    assert.equal(await get(page, 'personalization'), true, 'refusing marketing leaves recommendations');

    await page.click('.assent-reopen');
    await personalization.scrollIntoViewIfNeeded();
    await personalization.click();
    await page.click(`${prefs} [data-assent-action="save"]`);
    assert.equal(await get(page, 'personalization'), false);
    assert.equal(await get(page, 'marketing'), false, 'and each stays as its own switch left it');
    await page.evaluate(() => window.assent.set({ marketing: true }));
    assert.equal(await get(page, 'personalization'), false, 'granting one does not grant the other');
    // The service: necessary purposes and their recipients, and every other choice.
    for (const id of ['necessary', 'payment', 'risk-control', 'alipay', 'analytics', 'firebase']) {
      assert.equal(await get(page, id), true, id);
    }
    assert.deepEqual(await ran(page), ['analytics', 'fabric-sdk', 'firebase', 'sensors-analytics']);
  });

  it("a third party's switch waits for its purpose, and one that serves a necessary purpose has none", async () => {
    await page.click(`${banner} [data-assent-action="customise"]`);
    const analytics = page.locator(`${prefs} [data-assent-purpose="analytics"]`);
    const firebaseSwitch = page.locator(`${prefs} [data-assent-third-party-switch="firebase"]`);
    await firebaseSwitch.waitFor();
    assert.equal(await firebaseSwitch.isDisabled(), true, 'off while analytics is off');
    await analytics.scrollIntoViewIfNeeded();
    await analytics.click();
    assert.equal(await firebaseSwitch.isEnabled(), true);
    assert.equal(await page.locator(`${prefs} [data-assent-third-party-switch="alipay"]`).count(), 0, 'Alipay serves payment');
    const refused = await page.evaluate(() => window.assent.set({ alipay: false }).then(() => 'granted', (e) => e.message));
    assert.match(refused, /"alipay" is always granted/);
  });

  it('a changed configuration asks only for what changed, shows what is new, and keeps the rest running', async () => {
    await acceptAll();
    served = updated();
    await page.reload();
    await settled(page);

    // Before anything is answered: unchanged choices hold (across the new policy
    // version); the changed and the new SDK wait.
    assert.deepEqual(await ran(page), ['analytics', 'fabric-sdk', 'sensors-analytics']);
    assert.equal(await get(page, 'firebase'), undefined);
    assert.equal(await get(page, 'new-sdk'), undefined);

    await page.waitForSelector(banner);
    assert.equal(await page.textContent(`${banner} h2`), 'What changed since you last chose');
    const items = await page.$$eval(`${banner} [data-assent-change]`, (lis) => lis.map((li) => ({
      id: li.dataset.assentChange, status: li.querySelector('.assent-badge').textContent, text: li.textContent,
    })));
    assert.deepEqual(items.map((i) => [i.id, i.status]), [['firebase', 'Changed'], ['new-sdk', 'New']]);
    assert.match(items[0].text, /Firebase \(Google LLC\)/);
    assert.match(items[0].text, /New personal information: Location$/, 'only the data Firebase did not receive before');
    assert.match(items[1].text, /New SDK \(New SDK Ltd\.\).*crash statistics.*New personal information: Device model/);
    assert.deepEqual(
      await page.$$eval(`${banner} button.assent-button`, (b) => b.map((x) => x.textContent)),
      ['Refuse the changes', 'Accept the changes', 'Customise'],
    );
    // The same prompt in Chinese.
    await page.click(`${banner} [data-assent-action="language"]`);
    await page.waitForSelector(`${banner}[lang="zh-CN"]`);
    assert.equal(await page.textContent(`${banner} h2`), '个人信息处理规则有更新');
    assert.deepEqual(await page.$$eval(`${banner} .assent-badge`, (b) => b.map((x) => x.textContent)), ['有变化', '新增']);

    await page.click(`${banner} [data-assent-action="accept-all"]`);
    await page.waitForSelector(banner, { state: 'detached' });
    assert.equal(await get(page, 'new-sdk'), true);
    assert.equal(await get(page, 'firebase'), true);
    assert.deepEqual(await ran(page), ['analytics', 'fabric-sdk', 'firebase', 'new-sdk', 'sensors-analytics']);
    const state = await page.evaluate(() => window.assent.state());
    assert.equal(state.policyVersion, NEW_VERSION);
    const events = await page.evaluate(() => window.assent.history());
    assert.equal(events.length, 2);
    assert.equal(events[0].consentId, events[1].consentId, 'the same consent, updated');
    assert.deepEqual(events[1].set, { firebase: true, 'new-sdk': true });
    assert.notEqual(events[0].shown.firebase, events[1].shown.firebase, 'each item carries its own fingerprint');
    assert.equal(events[0].shown['sensors-analytics'], events[1].shown['sensors-analytics']);

    await page.reload();
    await settled(page);
    assert.equal(await page.locator(banner).count(), 0, 'answered once');
  });

  it('a new version that changes nothing the user decided carries the choice over without asking', async () => {
    await acceptAll();
    served = structuredClone(base);
    served.policy.version = NEW_VERSION;
    served.purposes.find((p) => p.id === 'necessary').description.en += ' (reworded)';
    await page.reload();
    await settled(page);
    assert.equal(await page.locator(banner).count(), 0);
    assert.deepEqual(await ran(page), ['analytics', 'fabric-sdk', 'firebase', 'sensors-analytics']);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('assent')));
    assert.equal(stored.policyVersion, NEW_VERSION, 'restated, so the stub counts it on the next page');
    assert.equal(stored.method, 'banner', 'still the choice the user made');
    assert.equal((await page.evaluate(() => window.assent.history())).length, 1, 'not a new decision');
  });

  it('refusing the changes keeps every earlier choice; the preferences mark what changed', async () => {
    await acceptAll();
    served = updated();
    await page.reload();
    await settled(page);
    await page.click(`${banner} [data-assent-action="customise"]`);
    await page.waitForSelector(prefs);
    assert.equal(await page.textContent(`${prefs} [data-assent-changed="new-sdk"]`), 'New');
    assert.equal(await page.textContent(`${prefs} [data-assent-changed="firebase"]`), 'Changed');
    assert.equal(await page.locator(`${prefs} [data-assent-third-party-switch="new-sdk"]`).isChecked(), false,
      'not granted until asked');
    assert.equal(await page.locator(`${prefs} [data-assent-third-party-switch="sensors-analytics"]`).isChecked(), true);
    await page.click(`${prefs} [data-assent-action="close"]`);

    await page.click(`${banner} [data-assent-action="reject-all"]`);
    await page.waitForSelector(banner, { state: 'detached' });
    assert.equal(await get(page, 'new-sdk'), false);
    assert.equal(await get(page, 'firebase'), false);
    assert.equal(await get(page, 'analytics'), true, 'refusing the changes is not reject all');
    assert.equal(await get(page, 'marketing'), true);
  });

  it('accepting the changes leaves a changed separate-consent purpose refused until its own action', async () => {
    await acceptAll();
    await page.evaluate(() => window.assent.set({ 'identity-verification': true }));
    served = structuredClone(base);
    served.purposes.find((p) => p.id === 'identity-verification').dataItems.push('location');
    await page.reload();
    await settled(page);
    await page.waitForSelector(banner);
    const item = page.locator(`${banner} [data-assent-change="identity-verification"]`);
    assert.match(await item.textContent(), /needs your separate consent/);
    assert.equal(await page.locator(`${banner} [data-assent-change]`).count(), 1, 'its third parties did not change');
    await page.click(`${banner} [data-assent-action="accept-all"]`);
    await page.waitForSelector(banner, { state: 'detached' });
    assert.equal(await get(page, 'identity-verification'), false);
    assert.equal(await get(page, 'analytics'), true);
  });
});

describe('the age question before separate consent (PIPL Art. 31; the seed asks 14)', () => {
  beforeEach(async () => {
    await freshPage(seed);
    await page.click(`${banner} [data-assent-action="customise"]`);
    await page.waitForSelector(prefs);
  });
  const turnOn = async (id) => {
    const input = page.locator(`${prefs} [data-assent-purpose="${id}"]`);
    await input.scrollIntoViewIfNeeded();
    await input.click();
  };
  const stored = () => page.evaluate(() => JSON.parse(localStorage.getItem('assent')));

  it('under 14: each separate consent waits for a parent or guardian to confirm; the answer is recorded', async () => {
    await turnOn('identity-verification');
    const question = page.locator(`${prefs} [data-assent-age="identity-verification"]`);
    assert.match(await question.textContent(), /Are you 14 or older\?/);
    assert.equal(await page.locator(`${prefs} [data-assent-separate]`).count(), 0, 'the age comes first');
    await question.locator('[data-assent-action="age-under"]').click();

    const notice = page.locator(`${prefs} [data-assent-separate="identity-verification"]`);
    assert.match(await notice.locator('[data-assent-guardian]').textContent(), /parent or guardian must consent/);
    const agree = notice.locator('[data-assent-action="separate-agree"]');
    assert.equal(await agree.isDisabled(), true, 'not without the guardian');
    await notice.locator('[data-assent-guardian-confirm]').check();
    await agree.click();
    await page.click(`${prefs} [data-assent-action="save"]`);
    assert.equal(await get(page, 'identity-verification'), true);
    assert.equal((await stored()).age, 'guardian');
    assert.equal((await page.evaluate(() => window.assent.history().at(-1))).age, 'guardian');

    // Later: not asked again, but the guardian confirms again for the next one.
    await page.click('.assent-reopen');
    await page.waitForSelector(prefs);
    await turnOn('credit-assessment');
    assert.equal(await page.locator(`${prefs} [data-assent-age]`).count(), 0);
    const next = page.locator(`${prefs} [data-assent-separate="credit-assessment"]`);
    assert.equal(await next.locator('[data-assent-action="separate-agree"]').isDisabled(), true);
  });

  it('14 or older: asked once, then the notice as usual; a child who cancels stays refused and unrecorded', async () => {
    await turnOn('identity-verification');
    await page.click(`${prefs} [data-assent-action="age-under"]`);
    await page.click(`${prefs} [data-assent-separate="identity-verification"] [data-assent-action="separate-cancel"]`);
    await page.click(`${prefs} [data-assent-action="save"]`);
    assert.equal(await get(page, 'identity-verification'), false);
    assert.equal((await stored()).age, undefined, 'no guardian confirmed anything');

    await page.click('.assent-reopen');
    await page.waitForSelector(prefs);
    await turnOn('identity-verification');
    await page.click(`${prefs} [data-assent-action="age-adult"]`);
    const notice = page.locator(`${prefs} [data-assent-separate="identity-verification"]`);
    assert.equal(await notice.locator('[data-assent-guardian]').count(), 0);
    await notice.locator('[data-assent-action="separate-agree"]').click();
    await turnOn('credit-assessment');
    assert.equal(await page.locator(`${prefs} [data-assent-age]`).count(), 0, 'asked once');
    await page.click(`${prefs} [data-assent-separate="credit-assessment"] [data-assent-action="separate-agree"]`);
    await page.click(`${prefs} [data-assent-action="save"]`);
    assert.equal(await get(page, 'identity-verification'), true);
    assert.equal(await get(page, 'credit-assessment'), true);
    assert.equal((await stored()).age, 'adult');
  });
});
