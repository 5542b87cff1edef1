// Assent's page-load benchmark in headless Chromium (playwright-core, /usr/bin/chromium),
// served from 127.0.0.1 with compression. A benchmark, not a test: it prints medians
// and p90 and writes bench/results/latest.json; it never asserts a time.
//
//   node bench/run.mjs [--runs N] [--throttle 4]
//
// Metrics per candidate (each visit in a fresh browser context):
// - first visit (empty storage): banner visible (ms since navigation start), consent
//   manager bytes transferred (encoded), requests, long tasks over 50 ms, CLS;
// - return visit (decision stored in the candidate's own format, HTTP cache warmed):
//   decision queryable through the public API, gated script ran;
// - a correctness check every run: the gated script never runs before consent.
// Candidates are interleaved run by run. Peers (vanilla-cookieconsent, klaro,
// tarteaucitron, issue 7) are added as further entries of CANDIDATES.
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';
import { snippet } from '../scripts/snippet.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option('runs', 15);
const THROTTLE = option('throttle', 1);

const ARTICLE = Array.from({ length: 12 }, (_, i) =>
  `<p>Paragraph ${i + 1}: an article of the kind a consent manager sits in front of.</p>`).join('\n');

/** The probe every candidate's gated analytics script runs. */
const GATED = 'window.__gatedRanAt = performance.now();';

const CANDIDATES = {
  assent: {
    files: '/assent/',
    page: () => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Article</title>
${snippet()}
<script>window.__queryableAt = window.assent.get('analytics') === true ? performance.now() : null;
if (window.__queryableAt === null) window.assent.ready.then(() => { if (window.assent.get('analytics') === true) window.__queryableAt = performance.now(); });</script>
</head><body><main><h1>Article</h1>${ARTICLE}</main>
<script type="text/plain" data-assent="analytics">${GATED}</script>
</body></html>`,
    banner: '[data-assent-ui="banner"]',
    accept: '[data-assent-ui="banner"] [data-assent-action="accept-all"]',
  },
};

const server = await startServer({
  handler: (req, res, url) => {
    const name = url.pathname.slice(1);
    if (!CANDIDATES[name]) return false;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(CANDIDATES[name].page());
    return true;
  },
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});

async function visit(name, storageState) {
  const candidate = CANDIDATES[name];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (THROTTLE > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
  let bytes = 0;
  let requests = 0;
  await cdp.send('Network.enable');
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  const ownUrls = new Map();
  cdp.on('Network.responseReceived', (e) => { ownUrls.set(e.requestId, e.response.url.includes(candidate.files)); });
  let ownBytes = 0;
  cdp.on('Network.loadingFinished', (e) => { if (ownUrls.get(e.requestId)) { ownBytes += e.encodedDataLength; requests += 1; } });
  await page.addInitScript(() => {
    window.__longTasks = [];
    window.__cls = 0;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration)))
      .observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => list.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__cls += e.value; }))
      .observe({ type: 'layout-shift', buffered: true });
    // Banner visible: the first frame in which it is laid out with a non-zero box.
    const watch = () => {
      const banner = document.querySelector('[data-assent-ui="banner"]');
      const box = banner?.getBoundingClientRect();
      if (box && box.height > 0 && getComputedStyle(banner).visibility !== 'hidden' && getComputedStyle(banner).opacity !== '0') {
        window.__bannerAt = performance.now();
      } else {
        requestAnimationFrame(watch);
      }
    };
    requestAnimationFrame(watch);
  });
  await page.goto(`${server.url}/${name}`, { waitUntil: 'load' });
  return { context, page, own: () => ({ bytes: ownBytes, requests }), total: () => bytes };
}

async function firstVisit(name) {
  const candidate = CANDIDATES[name];
  const { context, page, own } = await visit(name);
  await page.waitForFunction(() => window.__bannerAt !== undefined, null, { timeout: 20000 });
  await page.waitForTimeout(300);
  const measured = await page.evaluate(() => ({
    bannerVisible: window.__bannerAt,
    longTasks: window.__longTasks.filter((d) => d > 50).reduce((a, b) => a + b, 0),
    cls: window.__cls,
    blockedBeforeConsent: window.__gatedRanAt === undefined,
  }));
  await page.click(candidate.accept);
  await page.waitForFunction(() => window.__gatedRanAt !== undefined, null, { timeout: 10000 });
  const state = await context.storageState();
  const { bytes, requests } = own();
  await context.close();
  return { ...measured, bytes, requests, state };
}

async function returnVisit(name, state) {
  // One load warms the context's HTTP cache; the reload is measured.
  const { context, page } = await visit(name, state);
  await page.waitForFunction(() => window.__gatedRanAt !== undefined, null, { timeout: 10000 });
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.__gatedRanAt !== undefined && window.__queryableAt != null, null, { timeout: 10000 });
  const measured = await page.evaluate(() => ({ queryable: window.__queryableAt, gatedRan: window.__gatedRanAt, bannerShown: window.__bannerAt !== undefined }));
  await context.close();
  return measured;
}

// One untimed round so the server has compressed every file once (as a CDN has).
for (const name of Object.keys(CANDIDATES)) await returnVisit(name, (await firstVisit(name)).state);

const samples = Object.fromEntries(Object.keys(CANDIDATES).map((name) => [name, []]));
for (let run = 0; run < RUNS; run++) {
  const order = Object.keys(CANDIDATES);
  for (let i = 0; i < run % order.length; i++) order.push(order.shift());
  for (const name of order) {
    const first = await firstVisit(name);
    const back = await returnVisit(name, first.state);
    delete first.state;
    samples[name].push({ ...first, ...back });
  }
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const summary = {};
for (const [name, runs] of Object.entries(samples)) {
  const metric = (key) => ({ median: quantile(runs.map((r) => r[key]), 0.5), p90: quantile(runs.map((r) => r[key]), 0.9) });
  summary[name] = {
    bannerVisibleMs: metric('bannerVisible'),
    cmpBytesEncoded: metric('bytes'),
    cmpRequests: metric('requests'),
    longTasksOver50Ms: metric('longTasks'),
    cls: metric('cls'),
    returnQueryableMs: metric('queryable'),
    returnGatedRanMs: metric('gatedRan'),
    checks: {
      blockedBeforeConsent: `${runs.filter((r) => r.blockedBeforeConsent).length}/${runs.length}`,
      returnVisitNoBanner: `${runs.filter((r) => !r.bannerShown).length}/${runs.length}`,
    },
  };
}
const result = {
  date: new Date().toISOString(),
  chromium: browser.version(),
  runs: RUNS,
  cpuThrottling: THROTTLE,
  summary,
};
await browser.close();
await server.close();
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(new URL(`results/latest-${THROTTLE}x.json`, import.meta.url), JSON.stringify(result, null, 2) + '\n');
for (const [name, s] of Object.entries(summary)) {
  console.log(`${name} (${RUNS} runs, ${THROTTLE}x CPU)`);
  for (const [key, value] of Object.entries(s)) {
    console.log(`  ${key.padEnd(22)} ${value.median !== undefined ? `median ${value.median.toFixed?.(1) ?? value.median}  p90 ${value.p90.toFixed?.(1) ?? value.p90}` : JSON.stringify(value)}`);
  }
}
