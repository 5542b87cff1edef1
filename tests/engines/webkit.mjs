// The WebKit implementation of the scenario driver (driver.mjs): Debian's WebKitGTK
// (webkit2gtk-driver) through selenium-webdriver over classic WebDriver.
// WebKitWebDriver starts MiniBrowser, which needs a display: it runs under
// `xvfb-run -a`, in a process group of its own that close() ends by its id (the
// driver, Xvfb and the browser with it). It listens on 127.0.0.1 only. One WebDriver
// session has one current window, so each Tab switches to its own before acting,
// and the session's first window stays open (closing the last one would end it).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Builder, By, Key } from 'selenium-webdriver';
import { chord, MINIBROWSER, result, script, Tab, WEBKIT_WEBDRIVER } from './driver.mjs';

const KEY = { Tab: Key.TAB, Enter: Key.ENTER, Escape: Key.ESCAPE, Space: Key.SPACE, Shift: Key.SHIFT };

class WebKitTab extends Tab {
  constructor(session, handle) {
    super();
    this.session = session;
    this.handle = handle;
  }

  /** The session's WebDriver, switched to this tab. */
  async driver() {
    if (this.session.current !== this.handle) {
      await this.session.driver.switchTo().window(this.handle);
      this.session.current = this.handle;
    }
    return this.session.driver;
  }

  async goto(url) {
    await (await this.driver()).get(url);
  }

  async reload() {
    await (await this.driver()).navigate().refresh();
  }

  async evaluate(fn, ...args) {
    return result(await (await this.driver()).executeScript(`return ${script(fn, args)};`));
  }

  async clickNow(selector) {
    const driver = await this.driver();
    await driver.findElement(By.css(selector)).click();
  }

  async keys(...names) {
    const driver = await this.driver();
    for (const name of names) {
      const { modifiers, key } = chord(name);
      let actions = driver.actions();
      for (const modifier of modifiers) actions = actions.keyDown(KEY[modifier]);
      actions = actions.keyDown(KEY[key]).keyUp(KEY[key]);
      for (const modifier of modifiers.reverse()) actions = actions.keyUp(KEY[modifier]);
      await actions.perform();
    }
  }

  async close() {
    const driver = await this.driver();
    await driver.close();
    await driver.switchTo().window(this.session.home);
    this.session.current = this.session.home;
  }
}

/** A port free on 127.0.0.1 just now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the driver answers /status, or fails after 20 s. */
async function answering(url, child) {
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}: ${child.output}`);
    try {
      const response = await fetch(`${url}/status`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not answer on ${url}: ${child.output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function launch() {
  const port = await freePort();
  const child = spawn('xvfb-run', ['-a', WEBKIT_WEBDRIVER, `--port=${port}`, '--host=127.0.0.1'], {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => { child.output += chunk; });
  // Ends the group xvfb-run leads (negative id: the group of that process id).
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  // A test process that ends without close() (a crash, a timeout) still stops it.
  process.once('exit', stop);
  try {
    const url = `http://127.0.0.1:${port}`;
    await answering(url, child);
    const driver = await new Builder().usingServer(url).withCapabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    }).build();
    const capabilities = await driver.getCapabilities();
    const home = await driver.getWindowHandle();
    const session = { driver, home, current: home };
    return {
      name: 'webkit',
      version: `WebKitGTK ${capabilities.getBrowserVersion()}`,
      newTab: async () => {
        await driver.switchTo().newWindow('window');
        session.current = await driver.getWindowHandle();
        return new WebKitTab(session, session.current);
      },
      close: async () => {
        await driver.quit().catch(() => {});
        stop();
        process.off('exit', stop);
      },
    };
  } catch (error) {
    stop();
    process.off('exit', stop);
    throw error;
  }
}
