// Shared by the end-to-end tests: launches Debian's Chromium headless through
// playwright-core (no browser download), serves dist/ and test pages on 127.0.0.1
// with a request log, and collects each page's console so failures explain themselves.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { snippet } from '../../scripts/snippet.mjs';
import { buildConfig, buildId } from '../../scripts/assent-build.mjs';

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

/** The seed build's snippet (site/snippet.html) pointing at another compiled
 * configuration (`config`, its URL; none: the attribute is left out) and its
 * `digest`, with another `policyVersion`. */
export function snippetFor({ config, policyVersion, digest } = {}) {
  let html = snippet();
  if (config !== undefined) html = html.replace(/ data-config="[^"]*"/, config ? ` data-config="${config}"` : '');
  if (digest) html = html.replace(/data-config-digest="[^"]*"/, `data-config-digest="${digest}"`);
  if (policyVersion) html = html.replace(/data-policy-version="[^"]*"/, `data-policy-version="${policyVersion}"`);
  return html;
}

/** The seed build's folder (site/<build-id>/) and the URL path it is served at. */
export const seedBuild = buildId(join(root, 'site'));
export const SEED_BASE = `/assent/${seedBuild}/`;

const compiledCache = new Map();

/**
 * A test configuration (an object or JSON text) compiled as a site compiles it, with
 * `assent build` (the native CLI scripts/build.sh built), without static files:
 * `{ digest, configFile, files }`, files by name. An invalid configuration throws
 * with the CLI's list of problems.
 */
export function compileConfig(source) {
  const text = typeof source === 'string' ? source : JSON.stringify(source);
  if (!compiledCache.has(text)) {
    const { dir, out, id } = buildConfig(text);
    try {
      const files = Object.fromEntries(readdirSync(join(out, id))
        .map((name) => [name, readFileSync(join(out, id, name))]));
      const configFile = Object.keys(files).find((name) => /^config\.[0-9a-f]{16}\.json$/.test(name));
      compiledCache.set(text, { digest: configFile.split('.')[1], configFile, files });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return compiledCache.get(text);
}

/** Answers a request for one of `build`'s files under `prefix`; false otherwise. */
export function answerBuild(build, prefix, url, res) {
  if (!url.pathname.startsWith(prefix)) return false;
  const file = build.files[url.pathname.slice(prefix.length)];
  if (!file) return false;
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(file);
  return true;
}

/** The small test configuration (tests/fixtures/small-config.json), compiled; every
 * test server serves it under /small/. */
export const small = compileConfig(readFileSync(join(root, 'tests', 'fixtures', 'small-config.json'), 'utf8'));
export const SMALL = { config: `/small/${small.configFile}`, digest: small.digest, policyVersion: 'test-1' };

/**
 * Serves the seed's build (site/) under /assent/, the small configuration's compiled
 * files under /small/, fixtures under /fixtures/, and pages given as
 * { '/path.html': html }. Returns { url, requests, close }.
 */
export function serve({ pages = {}, handler } = {}) {
  return startServer({
    keepAlive: false,
    routes: {
      '/assent/': join(root, 'site'),
      '/fixtures/': join(root, 'tests', 'fixtures'),
      '/tags/': join(root, 'tests', 'e2e', 'tags'),
    },
    handler: async (req, res, url) => {
      if (handler && (await handler(req, res, url))) return true;
      if (answerBuild(small, '/small/', url, res)) return true;
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
