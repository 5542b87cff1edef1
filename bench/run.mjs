// Page-load benchmark: Assent side by side with three open-source peers
// (vanilla-cookieconsent, klaro, tarteaucitron, pinned in package.json) in headless
// Chromium (playwright-core, /usr/bin/chromium), every file served from 127.0.0.1 by
// scripts/serve.mjs with compression. A benchmark, not a test: it prints medians and
// p90 and writes bench/results/latest.json; it never asserts a time. It exits non-zero
// only when a correctness check fails (or a visit cannot complete).
//
//   node bench/run.mjs [--runs N] [--throttle 1,4] [--candidates assent,assent-seed,klaro] [--screenshots]
//
// Defaults: 15 runs at 1x and again at 4x CPU (CDP Emulation.setCPUThrottlingRate).
// Each run visits every candidate, in an order that rotates from run to run
// (A B C D, B C D A, ...), with three visits each, every one in a fresh browser context:
// - first visit (empty storage, cold cache): banner laid out / visible / opaque, the
//   consent manager's own bytes (encoded, as transferred) and requests, page HTML bytes,
//   long tasks, CDP ScriptDuration, JS heap, WebAssembly memory, CLS; then accept all;
// - reject visit (empty storage): reject all, then check the gated script stays blocked;
// - return visit (the storage accept-all left, in the candidate's own format): one load
//   warms the context, the reload is measured: decision queryable through the public
//   API, gated script ran, the consent manager's bytes on the reload.
// bench/README.md says exactly what each metric is and how each peer is configured.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { buildConfig, snippetOf } from '../scripts/assent-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const RUNS = Number(option('runs', 15));
const RATES = String(option('throttle', '1,4')).split(',').map(Number);
if (!(RUNS >= 1) || !RATES.every((r) => r >= 1)) {
  console.error('usage: node bench/run.mjs [--runs N>=1] [--throttle 1,4] [--candidates a,b]');
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCREENSHOTS = args.includes('--screenshots');
const RESULTS = new URL('results/', import.meta.url);

// ---------------------------------------------------------------------------------------
// The test page and the consent setup every candidate gets: one article, 4 purposes, 8
// services (2 per purpose), one gated analytics script. Assent gets them as an Assent
// configuration (ASSENT_CONFIG below), built as a site builds it (`assent build` with
// the static files of dist/, into a temporary folder served at /assent/, with the
// snippet that build printed).

const ARTICLE = Array.from({ length: 12 }, (_, i) =>
  `<p>Paragraph ${i + 1}: an article of the kind a consent manager sits in front of.</p>`).join('\n');

/** The probe every candidate's gated analytics script runs. */
const GATED = 'window.__gatedRanAt = performance.now();';

const TEXT = {
  title: 'We value your privacy',
  description: 'We use cookies and similar technologies for analytics, marketing and personalization. ' +
    'You can accept all, reject all or choose per purpose, and change your mind at any time.',
  acceptAll: 'Accept all',
  rejectAll: 'Reject all',
  manage: 'Manage preferences',
};
const PURPOSES = {
  necessary: { title: 'Strictly necessary', description: 'Needed for the site to work; always on.' },
  analytics: { title: 'Analytics', description: 'Anonymous statistics about how the site is used.' },
  marketing: { title: 'Marketing', description: 'Advertising and measuring its effect.' },
  personalization: { title: 'Personalization', description: 'Content chosen for you.' },
};
// Ids chosen not to collide with tarteaucitron's built-in service catalogue.
const SERVICES = [
  { id: 'session-cookie', purpose: 'necessary', title: 'Session cookie' },
  { id: 'load-balancer', purpose: 'necessary', title: 'Load balancer' },
  { id: 'google-analytics', purpose: 'analytics', title: 'Google Analytics' },
  { id: 'site-search-stats', purpose: 'analytics', title: 'Site search statistics' },
  { id: 'ad-network', purpose: 'marketing', title: 'Ad network' },
  { id: 'retargeting-pixel', purpose: 'marketing', title: 'Retargeting pixel' },
  { id: 'recommendations', purpose: 'personalization', title: 'Recommendations' },
  { id: 'saved-preferences', purpose: 'personalization', title: 'Saved preferences' },
];

/** The same purposes and services as an Assent configuration (docs/config-format.md);
 * Assent's format needs both languages, so the Chinese texts repeat the English. */
const both = (text) => ({ 'zh-CN': text, en: text });
const ASSENT_CONFIG = JSON.stringify({
  assentConfig: 1,
  policy: {
    id: 'bench', version: 'bench-1', effectiveDate: '2026-01-01', title: both('Privacy policy'),
    controller: { name: both('Example Ltd') }, links: { policy: 'https://example.com/privacy' },
  },
  purposes: Object.entries(PURPOSES).map(([id, p]) => ({
    id, name: both(p.title), description: both(p.description),
    legalBasis: id === 'necessary' ? 'necessary' : 'consent',
    ...(id === 'necessary' ? {} : { refusalConsequence: both('The site works without it.') }),
  })),
  dataItems: [],
  thirdParties: SERVICES.map((s) => ({
    id: s.id, name: both(s.title), sharingType: 'sdk', dataShared: [], purposes: [s.purpose],
    disclosedIn: { document: 'privacy-policy', section: '1' },
  })),
});

/** ASSENT_CONFIG built by the native CLI (scripts/build.sh built it): the output
 * folder and its snippet. */
function buildAssent() {
  const { dir, out } = buildConfig(ASSENT_CONFIG, { assets: `${root}dist` });
  return { dir, out, snippet: snippetOf(out) };
}
const ASSENT_BUILD = buildAssent();
process.on('exit', () => rmSync(ASSENT_BUILD.dir, { recursive: true, force: true }));

const page = ({ head = '', body = '' }) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Article</title>
${head}
</head><body><main><h1>Article</h1>${ARTICLE}</main>
${body}
</body></html>`;

const NM = '/node_modules';

/** An Assent candidate: the page with `snippet` (a build's, served under `files`),
 * the queryable probe and one script gated on analytics. */
const assentCandidate = (files, snippet) => ({
  ours: true,
  package: null,
  files,
  page: () => page({
    head: `${snippet}
<script>window.__queryableAt = window.assent.get('analytics') === true ? performance.now() : null;
if (window.__queryableAt === null) window.assent.ready.then(() => { if (window.assent.get('analytics') === true) window.__queryableAt = performance.now(); });</script>`,
    body: `<script type="text/plain" data-assent="analytics">${GATED}</script>`,
  }),
  banner: '[data-assent-ui="banner"]',
  accept: '[data-assent-ui="banner"] [data-assent-action="accept-all"]',
  reject: '[data-assent-ui="banner"] [data-assent-action="reject-all"]',
  api: () => window.assent.get('analytics'),
});

const CANDIDATES = {
  assent: assentCandidate('/assent/', ASSENT_BUILD.snippet),
  // The seed configuration (both seed documents, both languages), as scripts/build.sh
  // built it (site/), with the same page and gated analytics script: its own column,
  // never a peer.
  'assent-seed': assentCandidate('/assent-seed/',
    snippetOf(`${root}site`).replaceAll('/assent/', '/assent-seed/')),

  // Docs (cookieconsent.orestbida.com, "Getting started"): the CSS in <head>, the UMD
  // script and CookieConsent.run({...}) at the end of <body>; gated scripts are
  // <script type="text/plain" data-category=... data-service=...> placed before run().
  // All options not listed here keep their defaults (consent modal "box", bottom right).
  'vanilla-cookieconsent': {
    package: 'vanilla-cookieconsent',
    files: `${NM}/vanilla-cookieconsent/`,
    page: () => {
      const categories = Object.fromEntries(Object.keys(PURPOSES).map((p) => [p, {
        ...(p === 'necessary' ? { enabled: true, readOnly: true } : {}),
        services: Object.fromEntries(SERVICES.filter((s) => s.purpose === p).map((s) => [s.id, { label: s.title }])),
      }]));
      const config = {
        categories,
        language: {
          default: 'en',
          translations: {
            en: {
              consentModal: {
                title: TEXT.title,
                description: TEXT.description,
                acceptAllBtn: TEXT.acceptAll,
                acceptNecessaryBtn: TEXT.rejectAll,
                showPreferencesBtn: TEXT.manage,
              },
              preferencesModal: {
                title: TEXT.manage,
                acceptAllBtn: TEXT.acceptAll,
                acceptNecessaryBtn: TEXT.rejectAll,
                savePreferencesBtn: 'Save preferences',
                closeIconLabel: 'Close',
                sections: [
                  { title: TEXT.title, description: TEXT.description },
                  ...Object.entries(PURPOSES).map(([id, p]) => ({ title: p.title, description: p.description, linkedCategory: id })),
                ],
              },
            },
          },
        },
      };
      return page({
        head: `<link rel="stylesheet" href="${NM}/vanilla-cookieconsent/dist/cookieconsent.css">
<script>window.__queryableAt = null;
addEventListener('cc:onConsent', () => { if (window.__queryableAt === null && CookieConsent.acceptedCategory('analytics')) window.__queryableAt = performance.now(); });</script>`,
        body: `<script type="text/plain" data-category="analytics" data-service="google-analytics">${GATED}</script>
<script src="${NM}/vanilla-cookieconsent/dist/cookieconsent.umd.js"></script>
<script>CookieConsent.run(${JSON.stringify(config)});
if (window.__queryableAt === null && CookieConsent.acceptedCategory('analytics')) window.__queryableAt = performance.now();</script>`,
      });
    },
    banner: '#cc-main .cm',
    accept: '#cc-main .cm [data-role="all"]',
    reject: '#cc-main .cm [data-role="necessary"]',
    api: () => window.CookieConsent.acceptedCategory('analytics'),
  },

  // Docs (klaro README, heyklaro.com): a klaroConfig object, then
  // <script defer src="klaro.js"> (the build with CSS and translations bundled);
  // gated scripts are <script type="text/plain" data-type="text/javascript" data-name=...>.
  // Options follow the annotated dist/config.js (default: false, acceptAll: true,
  // notice at the bottom right, not a modal). Consent is per service.
  klaro: {
    package: 'klaro',
    files: `${NM}/klaro/`,
    page: () => {
      const config = {
        version: 1,
        elementID: 'klaro',
        storageMethod: 'cookie',
        cookieName: 'klaro',
        cookieExpiresAfterDays: 365,
        default: false,
        mustConsent: false,
        acceptAll: true,
        hideDeclineAll: false,
        hideLearnMore: false,
        noticeAsModal: false,
        groupByPurpose: true,
        translations: {
          zz: { privacyPolicyUrl: '/privacy' },
          en: {
            consentModal: { title: TEXT.manage, description: TEXT.description },
            purposes: PURPOSES,
          },
        },
        services: SERVICES.map((s) => ({
          name: s.id,
          title: s.title,
          purposes: [s.purpose],
          ...(s.purpose === 'necessary' ? { required: true } : {}),
        })),
      };
      return page({
        // Klaro builds window.klaro only when its script has run (rendering included),
        // so its API is first readable at DOMContentLoaded, right after that script.
        head: `<script>var klaroConfig = ${JSON.stringify(config)};
window.__queryableAt = null;
document.addEventListener('DOMContentLoaded', () => { if (window.klaro && klaro.getManager().getConsent('google-analytics') === true) window.__queryableAt = performance.now(); });</script>
<script defer src="${NM}/klaro/dist/klaro.js"></script>`,
        body: `<script type="text/plain" data-type="text/javascript" data-name="google-analytics">${GATED}</script>`,
      });
    },
    banner: '.klaro .cookie-notice',
    accept: '.klaro .cookie-notice .cn-buttons .cm-btn-success',
    reject: '.klaro .cookie-notice .cn-buttons .cn-decline',
    api: () => window.klaro.getManager().getConsent('google-analytics'),
  },

  // Docs (tarteaucitron README and installation guide): the script and
  // tarteaucitron.init({...}) in <head> (the README's parameters), the services and
  // tarteaucitron.job before </body>. It loads its CSS, language file and service
  // catalogue itself after window load. It has no blocking markup: the documented way
  // to gate code is a custom service whose js() runs once the service is allowed.
  tarteaucitron: {
    package: 'tarteaucitronjs',
    files: `${NM}/tarteaucitronjs/`,
    page: () => {
      const init = {
        privacyUrl: '',
        bodyPosition: 'bottom',
        hashtag: '#tarteaucitron',
        cookieName: 'tarteaucitron',
        orientation: 'middle',
        groupServices: false,
        showDetailsOnClick: true,
        serviceDefaultState: 'wait',
        showAlertSmall: false,
        showTitleBanner: false,
        cookieslist: false,
        cookieslistEmbed: false,
        showIcon: true,
        iconPosition: 'BottomRight',
        adblocker: false,
        DenyAllCta: true,
        AcceptAllCta: true,
        highPrivacy: true,
        alwaysNeedConsent: false,
        handleBrowserDNTRequest: false,
        removeCredit: false,
        moreInfoLink: true,
        useExternalCss: false,
        useExternalJs: false,
        readmoreLink: '',
        mandatory: true,
        mandatoryCta: true,
        googleConsentMode: true,
        bingConsentMode: true,
        pianoConsentMode: true,
        pianoConsentModeEssential: false,
        softConsentMode: false,
        dataLayer: false,
        serverSide: false,
        partnersList: false,
      };
      const TYPES = { necessary: 'other', analytics: 'analytic', marketing: 'ads', personalization: 'other' };
      const services = SERVICES.map((s) => `tarteaucitron.services[${JSON.stringify(s.id)}] = {
  key: ${JSON.stringify(s.id)}, type: ${JSON.stringify(TYPES[s.purpose])}, name: ${JSON.stringify(s.title)},
  needConsent: ${s.purpose !== 'necessary'}, cookies: [],
  js: function () { 'use strict'; ${s.id === 'google-analytics' ? GATED : ''} }, fallback: function () { 'use strict'; }
};`).join('\n');
      return page({
        head: `<script src="${NM}/tarteaucitronjs/tarteaucitron.min.js"></script>
<script>tarteaucitron.init(${JSON.stringify(init)});
window.__queryableAt = null;
document.addEventListener('google-analytics_added', () => { if (window.__queryableAt === null && tarteaucitron.state['google-analytics'] === true) window.__queryableAt = performance.now(); });</script>`,
        body: `<script>${services}
(tarteaucitron.job = tarteaucitron.job || []).push(${SERVICES.map((s) => JSON.stringify(s.id)).join(', ')});</script>`,
      });
    },
    banner: '#tarteaucitronAlertBig',
    accept: '#tarteaucitronAlertBig #tarteaucitronPersonalize2',
    reject: '#tarteaucitronAlertBig #tarteaucitronAllDenied2',
    api: () => window.tarteaucitron.state['google-analytics'],
  },
};

const only = option('candidates', null);
if (only) {
  for (const name of Object.keys(CANDIDATES)) if (!only.split(',').includes(name)) delete CANDIDATES[name];
}
const NAMES = Object.keys(CANDIDATES);
const PEERS = NAMES.filter((n) => !CANDIDATES[n].ours);

// ---------------------------------------------------------------------------------------
// Server and browser.

const routes = { '/assent/': ASSENT_BUILD.out, '/assent-seed/': `${root}site` };
for (const c of Object.values(CANDIDATES)) if (c.package) routes[`${NM}/${c.package}/`] = `${root}node_modules/${c.package}`;
const server = await startServer({
  routes,
  handler: (req, res, url) => {
    const name = url.pathname.slice(1);
    if (!CANDIDATES[name]) return false;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(CANDIDATES[name].page());
    return true;
  },
});
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    // navigator.webdriver stays false, as for a person: vanilla-cookieconsent's default
    // hideFromBots would otherwise never show its banner under automation.
    '--disable-blink-features=AutomationControlled',
  ],
});

/** Runs in every page before its own scripts: layout-shift, long-task and banner
 * observers, and a record of WebAssembly memories (to sum their sizes). */
function instrument(bannerSelector) {
  // The last click's event time (the same clock as performance.now()).
  document.addEventListener('click', (e) => { window.__clickAt = e.timeStamp; }, true);
  window.__longTasks = [];
  window.__cls = 0;
  new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration)))
    .observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => list.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__cls += e.value; }))
    .observe({ type: 'layout-shift', buffered: true });

  const memories = new Set();
  const note = (instance) => {
    for (const value of Object.values(instance?.exports ?? {})) if (value instanceof WebAssembly.Memory) memories.add(value);
  };
  const wrap = (name) => {
    const original = WebAssembly[name];
    if (typeof original !== 'function') return;
    WebAssembly[name] = function (...a) {
      return original.apply(this, a).then((result) => { note(result instanceof WebAssembly.Instance ? result : result.instance); return result; });
    };
  };
  wrap('instantiate');
  wrap('instantiateStreaming');
  WebAssembly.Instance = new Proxy(WebAssembly.Instance, {
    construct(target, a, newTarget) { const instance = Reflect.construct(target, a, newTarget); note(instance); return instance; },
  });
  WebAssembly.Memory = new Proxy(WebAssembly.Memory, {
    construct(target, a, newTarget) { const memory = Reflect.construct(target, a, newTarget); memories.add(memory); return memory; },
  });
  window.__wasmMemory = () => [...memories].reduce((sum, m) => sum + m.buffer.byteLength, 0);
  window.__wasmMemories = () => memories.size;

  // Once per frame: laid out = a non-zero box; visible = laid out, not visibility:hidden
  // and an effective opacity (the product over the element and its ancestors) above 0;
  // opaque = visible with an effective opacity of 1 (a fade-in has finished).
  const watch = () => {
    const banner = document.querySelector(bannerSelector);
    const box = banner?.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0) {
      const now = performance.now();
      window.__bannerLaidOutAt ??= now;
      let opacity = 1;
      for (let el = banner; el && el.nodeType === 1; el = el.parentElement) opacity *= Number(getComputedStyle(el).opacity);
      if (getComputedStyle(banner).visibility !== 'hidden' && opacity > 0) {
        window.__bannerAt ??= now;
        if (opacity >= 0.999) window.__bannerOpaqueAt ??= now;
      }
    }
    if (window.__bannerOpaqueAt === undefined) requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}

async function visit(name, rate, storageState) {
  const candidate = CANDIDATES[name];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const cdp = await context.newCDPSession(page);
  if (rate > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  await cdp.send('Performance.enable');
  await cdp.send('Network.enable');
  const urls = new Map();
  // `sinceMark` counts own bytes of requests started after net.mark() (the return
  // visit's reload), so a request of the previous load that finishes late is not in it.
  const net = { own: 0, ownRequests: 0, page: 0, files: {}, failed: [], sinceMark: 0, epoch: 0, mark() { this.epoch += 1; this.sinceMark = 0; } };
  const epochOf = new Map();
  cdp.on('Network.requestWillBeSent', (e) => { if (!epochOf.has(e.requestId)) epochOf.set(e.requestId, net.epoch); });
  cdp.on('Network.responseReceived', (e) => {
    const path = new URL(e.response.url).pathname;
    urls.set(e.requestId, path);
    if (e.response.status >= 400) net.failed.push(`${e.response.status} ${path}`);
  });
  cdp.on('Network.loadingFailed', (e) => { if (!e.canceled) net.failed.push(`${e.errorText} ${urls.get(e.requestId) ?? e.requestId}`); });
  cdp.on('Network.loadingFinished', (e) => {
    const path = urls.get(e.requestId);
    if (path === `/${name}`) net.page += e.encodedDataLength;
    if (path?.startsWith(candidate.files)) {
      net.own += e.encodedDataLength;
      net.ownRequests += 1;
      net.files[path] = (net.files[path] ?? 0) + e.encodedDataLength;
      if (epochOf.get(e.requestId) === net.epoch) net.sinceMark += e.encodedDataLength;
    }
  });
  await page.addInitScript(instrument, candidate.banner);
  await page.goto(`${server.url}/${name}`, { waitUntil: 'load' });
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  return { context, page, net, errors, metrics };
}

// First-visit metrics are sampled SETTLE_MS after the banner is opaque; accept-all and
// reject-all are clicked CLICK_AFTER_MS after it. tarteaucitron wires its buttons up in a
// setTimeout of 500 ms after it has drawn the banner: a click before that does nothing.
const SETTLE_MS = 500;
const CLICK_AFTER_MS = 1000;

const gatedRan = (page) => page.evaluate(() => window.__gatedRanAt !== undefined);
const apiSays = (page, name) => page.evaluate(CANDIDATES[name].api).then((v) => (v === undefined ? 'undefined' : v), (e) => `error: ${e.message}`);
/** Waits for a condition; false (not an exception) when it does not come. */
const within = (page, fn, timeout, arg = null) => page.waitForFunction(fn, arg, { timeout }).then(() => true, () => false);

async function firstVisit(name, rate, { screenshot = false } = {}) {
  const candidate = CANDIDATES[name];
  const { context, page, net, errors, metrics } = await visit(name, rate);
  try {
    await page.waitForFunction(() => window.__bannerAt !== undefined, null, { timeout: 20000 });
    // Let fade-ins finish and late work land before sampling.
    await within(page, () => window.__bannerOpaqueAt !== undefined, 3000);
    await page.waitForTimeout(SETTLE_MS);
    const m = await metrics();
    const own = { bytes: net.own, requests: net.ownRequests, page: net.page, files: { ...net.files } };
    const measured = await page.evaluate(() => ({
      bannerLaidOut: window.__bannerLaidOutAt,
      bannerVisible: window.__bannerAt,
      bannerOpaque: window.__bannerOpaqueAt ?? null,
      longTasks: window.__longTasks.filter((d) => d > 50).reduce((a, b) => a + b, 0),
      cls: window.__cls,
      wasmMemory: window.__wasmMemory(),
      wasmMemories: window.__wasmMemories(),
      gatedRanBeforeConsent: window.__gatedRanAt !== undefined,
    }));
    // The consent manager's own bytes that had arrived when the banner became visible
    // (Resource Timing: transfer sizes, headers included, of requests finished by then).
    const bytesBeforeBanner = await page.evaluate((prefix) => performance.getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.startsWith(prefix) && e.responseEnd <= window.__bannerAt)
      .reduce((sum, e) => sum + e.transferSize, 0), candidate.files);
    const apiBefore = await apiSays(page, name);
    if (screenshot) await page.screenshot({ path: fileURLToPath(new URL(`${name}.png`, RESULTS)) });
    await page.waitForTimeout(CLICK_AFTER_MS - SETTLE_MS);
    await page.click(candidate.accept);
    const ranAfterAcceptAll = await within(page, () => window.__gatedRanAt !== undefined, 10000);
    const acceptToRan = ranAfterAcceptAll ? await page.evaluate(() => window.__gatedRanAt - window.__clickAt) : null;
    const apiAfterAccept = await apiSays(page, name);
    const bannerGone = await within(page, (sel) => {
      const el = document.querySelector(sel);
      const box = el?.getBoundingClientRect();
      return !el || !box.width || !box.height || getComputedStyle(el).visibility === 'hidden';
    }, 3000, candidate.banner);
    const state = await context.storageState();
    return {
      sample: {
        bannerLaidOut: measured.bannerLaidOut,
        bannerVisible: measured.bannerVisible,
        bannerOpaque: measured.bannerOpaque,
        cmpBytes: own.bytes,
        bytesBeforeBanner,
        acceptToRan,
        cmpRequests: own.requests,
        pageBytes: own.page,
        longTasks: measured.longTasks,
        scriptMs: m.ScriptDuration * 1000,
        taskMs: m.TaskDuration * 1000,
        heapBytes: m.JSHeapUsedSize,
        wasmBytes: measured.wasmMemory,
        wasmMemories: measured.wasmMemories,
        cls: measured.cls,
        files: own.files,
      },
      checks: {
        blockedBeforeConsent: !measured.gatedRanBeforeConsent && apiBefore !== true,
        ranAfterAcceptAll: ranAfterAcceptAll && apiAfterAccept === true && bannerGone,
        ownFilesLoaded: net.failed.length === 0,
      },
      notes: { apiBefore, apiAfterAccept, bannerGone, failed: net.failed, errors },
      state,
    };
  } finally {
    await context.close();
  }
}

async function rejectVisit(name, rate) {
  const candidate = CANDIDATES[name];
  const { context, page, errors } = await visit(name, rate);
  try {
    await page.waitForFunction(() => window.__bannerAt !== undefined, null, { timeout: 20000 });
    await within(page, () => window.__bannerOpaqueAt !== undefined, 3000);
    await page.waitForTimeout(CLICK_AFTER_MS);
    const before = await gatedRan(page);
    await page.click(candidate.reject);
    await page.waitForTimeout(500);
    const after = await gatedRan(page);
    const api = await apiSays(page, name);
    return { checks: { blockedAfterRejectAll: !before && !after && api === false }, notes: { gatedRanAfterReject: after, apiAfterReject: api, errors } };
  } finally {
    await context.close();
  }
}

async function returnVisit(name, rate, state) {
  // One load warms the context (HTTP cache, V8); the reload is measured.
  const { context, page, net, errors } = await visit(name, rate, state);
  try {
    await page.waitForFunction(() => window.__gatedRanAt !== undefined, null, { timeout: 10000 });
    net.mark();
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => window.__gatedRanAt !== undefined && window.__queryableAt != null, null, { timeout: 10000 });
    await page.waitForTimeout(300); // time for a banner to appear if one (wrongly) would
    const measured = await page.evaluate(() => ({
      queryable: window.__queryableAt,
      gatedRan: window.__gatedRanAt,
      bannerShown: window.__bannerLaidOutAt !== undefined,
    }));
    return {
      sample: { returnQueryable: measured.queryable, returnGatedRan: measured.gatedRan, returnCmpBytes: net.sinceMark },
      checks: { returnVisitNoBanner: !measured.bannerShown },
      notes: { errors },
    };
  } finally {
    await context.close();
  }
}

/** One candidate's three visits; an exception fails the checks it leaves unanswered. */
async function round(name, rate) {
  const sample = { load1: os.loadavg()[0] };
  const checks = {};
  const notes = {};
  const attempt = async (label, fn, names) => {
    try {
      const out = await fn();
      Object.assign(sample, out.sample);
      Object.assign(checks, out.checks);
      notes[label] = out.notes;
      return out;
    } catch (error) {
      for (const n of names) checks[n] ??= false;
      notes[label] = { error: String(error.message ?? error).split('\n')[0] };
      return null;
    }
  };
  const first = await attempt('first', () => firstVisit(name, rate), ['blockedBeforeConsent', 'ranAfterAcceptAll', 'ownFilesLoaded']);
  await attempt('reject', () => rejectVisit(name, rate), ['blockedAfterRejectAll']);
  if (first) await attempt('return', () => returnVisit(name, rate, first.state), ['returnVisitNoBanner']);
  else checks.returnVisitNoBanner = false;
  return { ...sample, checks, notes };
}

// ---------------------------------------------------------------------------------------
// Runs.

const started = Date.now();
const load1AtStart = os.loadavg()[0];
// One untimed first visit per candidate, so the server has compressed every file once
// (as a CDN has) and the browser has started every kind of process.
// With --screenshots it saves each banner to bench/results/<candidate>.png.
mkdirSync(RESULTS, { recursive: true });
for (const name of NAMES) await firstVisit(name, RATES[0], { screenshot: SCREENSHOTS }).catch(() => {});

const samples = Object.fromEntries(RATES.map((rate) => [rate, Object.fromEntries(NAMES.map((n) => [n, []]))]));
const orders = [];
for (const rate of RATES) {
  for (let run = 0; run < RUNS; run++) {
    const order = [...NAMES];
    for (let i = 0; i < run % order.length; i++) order.push(order.shift());
    orders.push({ rate, run, order });
    for (const name of order) samples[rate][name].push(await round(name, rate));
    if (process.stderr.isTTY) process.stderr.write(`\r${rate}x CPU: run ${run + 1}/${RUNS}   `);
    else console.error(`${rate}x CPU: run ${run + 1}/${RUNS} done`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
}

// ---------------------------------------------------------------------------------------
// Summary: nearest-rank median and p90 over the runs that produced a value.

const METRICS = [
  ['bannerLaidOut', 'first: banner laid out (ms)', 1, 0],
  ['bannerVisible', 'first: banner visible (ms)', 1, 0],
  ['bannerOpaque', 'first: banner opaque (ms)', 1, 0],
  ['cmpBytes', 'first: CMP bytes, encoded (KiB)', 1 / 1024, 1],
  ['bytesBeforeBanner', 'first: CMP bytes before the banner (KiB)', 1 / 1024, 1],
  ['acceptToRan', 'first: accept all clicked → gated ran (ms)', 1, 0],
  ['cmpRequests', 'first: CMP requests', 1, 0],
  ['pageBytes', 'first: page HTML, encoded (KiB)', 1 / 1024, 1],
  ['longTasks', 'first: long tasks >50 ms, sum (ms)', 1, 0],
  ['scriptMs', 'first: script time, CDP (ms)', 1, 0],
  ['heapBytes', 'first: JS heap used (MiB)', 1 / 1048576, 2],
  ['wasmBytes', 'first: wasm memory (MiB)', 1 / 1048576, 2],
  ['cls', 'first: CLS', 1, 3],
  ['returnQueryable', 'return: decision queryable (ms)', 1, 0],
  ['returnGatedRan', 'return: gated script ran (ms)', 1, 0],
  ['returnCmpBytes', 'return: CMP bytes, encoded (KiB)', 1 / 1024, 1],
];
const CHECKS = ['blockedBeforeConsent', 'ranAfterAcceptAll', 'blockedAfterRejectAll', 'returnVisitNoBanner', 'ownFilesLoaded'];

const quantile = (values, q) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
};
const summaries = {};
for (const rate of RATES) {
  summaries[rate] = {};
  for (const name of NAMES) {
    const runs = samples[rate][name];
    const s = {};
    for (const [key] of METRICS) {
      const values = runs.map((r) => r[key]).filter((v) => typeof v === 'number' && Number.isFinite(v));
      s[key] = { median: quantile(values, 0.5), p90: quantile(values, 0.9), min: quantile(values, 0), max: quantile(values, 1), n: values.length };
    }
    s.checks = Object.fromEntries(CHECKS.map((c) => [c, `${runs.filter((r) => r.checks[c] === true).length}/${runs.length}`]));
    summaries[rate][name] = s;
  }
}
const failures = [];
for (const rate of RATES) {
  for (const name of NAMES) {
    samples[rate][name].forEach((r, i) => {
      const failed = CHECKS.filter((c) => r.checks[c] !== true);
      if (failed.length) failures.push({ rate, candidate: name, run: i + 1, failed, notes: r.notes });
    });
  }
}

const version = (pkg) => JSON.parse(readFileSync(`${root}node_modules/${pkg}/package.json`, 'utf8')).version;
let chromiumVersion = browser.version();
try {
  chromiumVersion = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch { /* keep browser.version() */ }
const cpus = os.cpus();
const result = {
  date: new Date().toISOString(),
  durationSeconds: Math.round((Date.now() - started) / 1000),
  chromium: chromiumVersion,
  node: process.version,
  machine: {
    cpuModel: cpus[0]?.model,
    cpuCount: cpus.length,
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()}`,
    load1AtStart,
    load1AtEnd: os.loadavg()[0],
  },
  packages: {
    'playwright-core': version('playwright-core'),
    ...Object.fromEntries(PEERS.map((n) => [CANDIDATES[n].package, version(CANDIDATES[n].package)])),
  },
  // Which Assent build was measured (dist/ is built elsewhere and copied in).
  assentDist: Object.fromEntries(readdirSync(`${root}dist`).sort().map((f) => {
    const bytes = readFileSync(`${root}dist/${f}`);
    return [f, { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex').slice(0, 16), mtime: statSync(`${root}dist/${f}`).mtime.toISOString() }];
  })),
  runs: RUNS,
  cpuThrottlingRates: RATES,
  candidates: Object.fromEntries(NAMES.map((n) => [n, { files: CANDIDATES[n].files, banner: CANDIDATES[n].banner, accept: CANDIDATES[n].accept, reject: CANDIDATES[n].reject }])),
  orders,
  results: Object.fromEntries(RATES.map((rate) => [`${rate}x`, Object.fromEntries(NAMES.map((n) => [n, { summary: summaries[rate][n], samples: samples[rate][n] }]))])),
  failures,
};
await browser.close();
await server.close();
writeFileSync(new URL('latest.json', RESULTS), JSON.stringify(result, null, 2) + '\n');

// ---------------------------------------------------------------------------------------
// Table: per metric, each candidate's median / p90, and Assent's median over the best
// (lowest) peer median.

const fmt = (v, scale, digits) => (v === null ? '–' : (v * scale).toFixed(digits));
for (const rate of RATES) {
  console.log(`\n${rate}x CPU, ${RUNS} run${RUNS > 1 ? 's' : ''} per candidate: median / p90`);
  const header = ['metric', ...NAMES, ...(NAMES.includes('assent') && PEERS.length ? ['assent ÷ best peer'] : [])];
  const rows = [];
  for (const [key, label, scale, digits] of METRICS) {
    const row = [label];
    for (const name of NAMES) {
      const m = summaries[rate][name][key];
      row.push(m.median === null ? '–' : `${fmt(m.median, scale, digits)} / ${fmt(m.p90, scale, digits)}`);
    }
    if (header.length > NAMES.length + 1) {
      const a = summaries[rate].assent[key].median;
      const peerMedians = PEERS.map((p) => summaries[rate][p][key].median).filter((v) => v !== null);
      const best = peerMedians.length ? Math.min(...peerMedians) : null;
      row.push(a === null || best === null ? '–' : best === 0 ? (a === 0 ? '1.00' : '– (best 0)') : (a / best).toFixed(2));
    }
    rows.push(row);
  }
  rows.push(['checks passed', ...NAMES.map((n) => {
    const c = summaries[rate][n].checks;
    const ok = CHECKS.every((k) => c[k].split('/')[0] === c[k].split('/')[1]);
    return ok ? `all ${CHECKS.length} × ${RUNS}` : CHECKS.filter((k) => c[k].split('/')[0] !== c[k].split('/')[1]).map((k) => `${k} ${c[k]}`).join('; ');
  })]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : (c ?? '').padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}
console.log(`\n${chromiumVersion}; ${cpus.length} × ${cpus[0]?.model}; load average ${load1AtStart.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}; ${result.durationSeconds} s`);
console.log('written: bench/results/latest.json');
if (failures.length) {
  console.error(`\n${failures.length} candidate round(s) failed a correctness check:`);
  for (const f of failures.slice(0, 10)) console.error(`  ${f.rate}x ${f.candidate} run ${f.run}: ${f.failed.join(', ')} ${JSON.stringify(f.notes)}`);
  process.exit(1);
}
