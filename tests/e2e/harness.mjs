// Shared by the end-to-end tests: launches Debian's Chromium headless through
// playwright-core (no browser download), serves dist/ and test pages on 127.0.0.1
// with a request log, and collects each page's console so failures explain themselves.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { snippet } from '../../scripts/snippet.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let printedVersion = false;

/** Launches Chromium with a fresh profile (and `locale`, the browser's language;
 * `deviceScaleFactor` 2 with a halved viewport is a window zoomed to 200%);
 * close() also removes the profile. */
export async function launch({ locale = 'en-US', viewport = { width: 1280, height: 800 }, deviceScaleFactor } = {}) {
  if (!printedVersion) {
    printedVersion = true;
    try {
      console.log(`# ${execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim()}`);
    } catch {
      // The launch below reports a missing browser clearly enough.
    }
  }
  const profile = mkdtempSync(join(tmpdir(), 'assent-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport,
    deviceScaleFactor,
    locale,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The README snippet with the configuration URL replaced (for test configurations). */
export function snippetFor({ config = '/assent/config.json', policyVersion } = {}) {
  let html = snippet().replace('data-config="/assent/config.json"', config ? `data-config="${config}"` : '');
  if (policyVersion) html = html.replace(/data-policy-version="[^"]*"/, `data-policy-version="${policyVersion}"`);
  return html;
}

/**
 * Serves dist/ under /assent/, fixtures under /fixtures/, and pages given as
 * { '/path.html': html }. Returns { url, requests, close }.
 */
export function serve({ pages = {}, handler } = {}) {
  return startServer({
    keepAlive: false,
    routes: {
      '/assent/': join(root, 'dist'),
      '/fixtures/': join(root, 'tests', 'fixtures'),
      '/tags/': join(root, 'tests', 'e2e', 'tags'),
    },
    handler: async (req, res, url) => {
      if (handler && (await handler(req, res, url))) return true;
      const page = pages[url.pathname];
      if (page === undefined) return false;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(typeof page === 'function' ? page(url) : page);
      return true;
    },
  });
}

/** Opens a page and records its console messages and uncaught errors. */
export async function open(context, url) {
  const page = await context.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  page.logs = logs;
  await page.goto(url);
  return page;
}

/** Waits until Assent has started (or failed) on the page. */
export async function settled(page) {
  await page.evaluate(() => window.assent.ready.then(() => 'ready', (e) => `failed: ${e.message}`));
}
