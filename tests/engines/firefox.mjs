// The Firefox implementation of the scenario driver (driver.mjs): Debian's
// /usr/bin/firefox-esr through puppeteer-core over WebDriver BiDi (no CDP: Firefox
// has none). puppeteer makes a fresh profile and removes it on close().
import puppeteer from 'puppeteer-core';
import { chord, FIREFOX, PageTab, versionOf } from './driver.mjs';

/** Puppeteer's names for the driver's keys. */
const KEY = { Space: ' ' };

class FirefoxTab extends PageTab {
  async keys(...names) {
    for (const name of names) {
      const { modifiers, key } = chord(name);
      for (const modifier of modifiers) await this.page.keyboard.down(modifier);
      await this.page.keyboard.press(KEY[key] ?? key);
      for (const modifier of modifiers.reverse()) await this.page.keyboard.up(modifier);
    }
  }
}

export async function launch() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocol: 'webDriverBiDi',
    defaultViewport: { width: 1280, height: 800 },
    extraPrefsFirefox: { 'intl.accept_languages': 'en-US' },
  });
  return {
    name: 'firefox',
    version: versionOf(FIREFOX),
    newTab: async () => new FirefoxTab(await browser.newPage()),
    close: () => browser.close(),
  };
}
