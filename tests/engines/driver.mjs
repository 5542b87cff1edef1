// The small driver interface the cross-engine scenarios (scenarios.test.mjs) are
// written against, and what its three implementations share. A scenario sees only
// this: an Engine opens Tabs; a Tab navigates, evaluates a function in the page,
// clicks, presses keys and waits. Nothing here or in a scenario may use a call that
// one engine's automation lacks (init scripts, request interception, CDP): faults come
// from the test server and from inline scripts it puts first in the page
// (tests/engines/site.mjs).
//
//   Engine  { name, version, newTab(): Tab, close() }
//   Tab     { goto(url), reload(), evaluate(fn, ...args), click(selector),
//             keys(...names), close(), waitFor(fn, ...args) }
//
// evaluate() sends `fn` as source text and its arguments as JSON, and brings the
// (awaited) result back through JSON.stringify in the page, so every engine answers
// alike: undefined stays undefined (WebDriver alone would turn it into null), a DOM
// node cannot cross. Key names: 'Tab', 'Shift+Tab', 'Enter', 'Escape', 'Space'.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The in-page half of evaluate(): `fn` applied to `args`, its result as JSON text. */
export function script(fn, args) {
  return `Promise.resolve((${fn}).apply(null, ${JSON.stringify(args)}))` +
    '.then(function (v) { return JSON.stringify({ v: v }); })';
}

/** The node half: the JSON text back to a value. */
export function result(text) {
  return JSON.parse(text).v;
}

const WAIT_MS = 15000;

/** What every implementation shares: waiting by polling evaluate(), and a click that
 * first waits until its target is on the page and rendered. */
export class Tab {
  /** Polls `fn(...args)` in the page every 50 ms until it returns something truthy,
   * which it resolves to; fails after 15 s naming the function and the page's log. */
  async waitFor(fn, ...args) {
    const deadline = Date.now() + WAIT_MS;
    let last;
    for (;;) {
      try {
        last = await this.evaluate(fn, ...args);
        if (last) return last;
      } catch (error) {
        // A navigation in progress destroys the context the poll ran in: poll again.
        last = error.message;
      }
      if (Date.now() > deadline) {
        const logs = await this.evaluate(() => window.probe && window.probe.logs).catch(() => null);
        throw new Error(`waited ${WAIT_MS} ms for ${fn} (${args.map((a) => JSON.stringify(a)).join(', ')}); ` +
          `last answer ${JSON.stringify(last)}; page log: ${JSON.stringify(logs)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Clicks the first element matching `selector` once it is rendered. */
  async click(selector) {
    await this.waitFor((selector) => {
      const element = document.querySelector(selector);
      return Boolean(element && element.getClientRects().length);
    }, selector);
    await this.clickNow(selector);
  }
}

/** A tab of a driver whose page object has Playwright's and puppeteer's common
 * methods (goto, reload, evaluate, click, close): the Chromium and Firefox drivers
 * differ only in how they press keys. */
export class PageTab extends Tab {
  constructor(page) {
    super();
    this.page = page;
  }

  async goto(url) {
    await this.page.goto(url);
  }

  async reload() {
    await this.page.reload();
  }

  async evaluate(fn, ...args) {
    return result(await this.page.evaluate(script(fn, args)));
  }

  async clickNow(selector) {
    await this.page.click(selector);
  }

  async close() {
    await this.page.close();
  }
}

/** Splits 'Shift+Tab' into its modifiers and key. */
export function chord(name) {
  const parts = name.split('+');
  return { modifiers: parts.slice(0, -1), key: parts[parts.length - 1] };
}

// Where Debian puts each engine (scripts/setup.sh installs them); the environment
// variables point elsewhere.
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
export const WEBKIT_WEBDRIVER = process.env.WEBKIT_WEBDRIVER || '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** The engines, each with the files it needs and its driver module. */
export const ENGINES = {
  chromium: { needs: [CHROMIUM], module: './chromium.mjs' },
  firefox: { needs: [FIREFOX], module: './firefox.mjs' },
  webkit: { needs: [WEBKIT_WEBDRIVER, MINIBROWSER, '/usr/bin/xvfb-run', '/usr/bin/xauth'], module: './webkit.mjs' },
};

/** The files `engine` needs that are not there. */
export function missing(engine) {
  return ENGINES[engine].needs.filter((file) => !existsSync(file));
}

/** Starts `engine` (its browser and driver): an Engine. */
export async function launch(engine) {
  const { launch: start } = await import(ENGINES[engine].module);
  return start();
}

/** The first line a program prints for --version, or null. */
export function versionOf(program) {
  try {
    return execFileSync(program, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0];
  } catch {
    return null;
  }
}
