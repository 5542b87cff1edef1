// The test server and pages of the cross-engine scenarios. WebKitWebDriver has no
// init scripts and no request interception, so everything a scenario needs before
// Assent runs, or from the network, is done here, the same for every engine:
// - PROBE, an inline script the server puts first in every page, collects what the
//   page would otherwise only show a DevTools protocol: console warnings and errors,
//   uncaught errors and rejections, and Content Security Policy violations
//   (`securitypolicyviolation`), in window.probe;
// - `first`, more inline script put right after it (a broken localStorage, the
//   stripped built-ins), runs before the snippet;
// - faults on any path: an HTTP status, a response held until the scenario releases
//   it, or a body cut off halfway (the socket closed under a longer content-length).
// Listens on 127.0.0.1 only (scripts/serve.mjs), on a fresh port, so a fresh origin
// and localStorage, per site.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { strictCsp } from '../../scripts/serve.mjs';
import { answerBuild, serve } from '../e2e/harness.mjs';
import { gatedPage } from '../e2e/pages.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const PROBE = `<script>
(function () {
  var probe = window.probe = { logs: [], violations: [] };
  ['warn', 'error'].forEach(function (level) {
    var real = console[level];
    console[level] = function () {
      probe.logs.push((level === 'warn' ? 'warning' : level) + ': ' + Array.prototype.join.call(arguments, ' '));
      return real.apply(console, arguments);
    };
  });
  window.addEventListener('error', function (e) { probe.logs.push('pageerror: ' + e.message); });
  window.addEventListener('unhandledrejection', function (e) { probe.logs.push('pageerror: ' + (e.reason && e.reason.message || e.reason)); });
  document.addEventListener('securitypolicyviolation', function (e) {
    probe.violations.push((e.effectiveDirective || e.violatedDirective) + ' ' + e.blockedURI);
  });
})();
</script>`;

/** `html` with PROBE, then `first`, at the start of its <head>. */
export function probed(html, first = '') {
  return html.replace('<head>', `<head>\n${PROBE}\n${first}`);
}

/** The end-to-end tests' gated page (tests/e2e/pages.mjs: an inline and an external
 * tag gated on `gate`) with PROBE and `first` ahead of the snippet. */
export function page({ first = '', ...options } = {}) {
  return probed(gatedPage(options), first);
}

/** `html` as a site with a strict Content Security Policy serves it: each <script>
 * carries this response's nonce, except gated ones (`type="text/plain"`, which must
 * get it from the stub) and a control marked `data-unnonced` (which must be blocked);
 * the policy allows nothing else inline. */
function withCsp(html) {
  const nonce = randomBytes(16).toString('base64');
  const body = html.replace(/<script(?![^>]*(?:type="text\/plain"|data-unnonced))/g, `<script nonce="${nonce}"`);
  return { body, csp: strictCsp(nonce) };
}

/**
 * Serves `pages` ({ path: html or url => html }; under a strict CSP with `csp`),
 * compiled configurations under prefixes (`builds`: { '/prefix/': compileConfig(...) }),
 * and whatever tests/e2e/harness.mjs serves (the seed build at /assent/, the small
 * configuration at /small/, /tags/). Resolves to { url, requests, close, fault,
 * release, pending }:
 * - fault(path, { status } | { hold: true } | { cut: true }) makes `path` fail from
 *   the next request on; fault(path) clears it;
 * - release() answers every held request normally and clears the holds;
 * - pending(path) is how many requests for `path` are held now.
 */
export async function site({ pages = {}, builds = {}, csp = false } = {}) {
  const faults = new Map();
  const holds = new Map();
  let released;
  let releasing = new Promise((resolve) => { released = resolve; });
  const server = await serve({
    handler: async (req, res, url) => {
      const fault = faults.get(url.pathname);
      if (fault?.status) {
        res.writeHead(fault.status, { 'content-type': 'text/plain' });
        res.end(`fault injected: ${fault.status}`);
        return true;
      }
      if (fault?.hold) {
        holds.set(url.pathname, (holds.get(url.pathname) || 0) + 1);
        await releasing;
        holds.set(url.pathname, holds.get(url.pathname) - 1);
      }
      if (fault?.cut) {
        const body = await readFile(join(root, 'site', url.pathname.replace(/^\/assent\//, '')));
        res.writeHead(200, { 'content-type': url.pathname.endsWith('.wasm') ? 'application/wasm' : 'text/javascript', 'content-length': body.length });
        res.write(body.subarray(0, body.length >> 1));
        setTimeout(() => res.socket?.destroy(), 50);
        return true;
      }
      for (const [prefix, build] of Object.entries(builds)) if (answerBuild(build, prefix, url, res)) return true;
      const page = pages[url.pathname];
      if (page === undefined) return false;
      const html = typeof page === 'function' ? page(url) : page;
      const served = csp ? withCsp(html) : { body: html };
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        ...(served.csp ? { 'content-security-policy': served.csp } : {}),
      });
      res.end(served.body);
      return true;
    },
  });
  return {
    ...server,
    fault: (path, fault) => (fault ? faults.set(path, fault) : faults.delete(path)),
    release: () => {
      for (const [path, fault] of faults) if (fault.hold) faults.delete(path);
      released();
      releasing = new Promise((resolve) => { released = resolve; });
    },
    pending: (path) => holds.get(path) || 0,
    close: async () => {
      released();
      await server.close();
    },
  };
}
