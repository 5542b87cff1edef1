// The Chromium implementation of the scenario driver (driver.mjs): Debian's
// /usr/bin/chromium through playwright-core, with the end-to-end tests' flags and a
// fresh profile that close() removes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARGS } from '../e2e/harness.mjs';
import { CHROMIUM, chord, PageTab, versionOf } from './driver.mjs';

class ChromiumTab extends PageTab {
  async keys(...names) {
    for (const name of names) {
      const { modifiers, key } = chord(name);
      await this.page.keyboard.press([...modifiers, key].join('+'));
    }
  }
}

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'assent-engines-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 800 }, locale: 'en-US',
  });
  return {
    name: 'chromium',
    version: versionOf(CHROMIUM),
    newTab: async () => new ChromiumTab(await context.newPage()),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
