// Assent loader: what a withdrawal does to the page beyond the record. It deletes the
// site's own cookies and localStorage and sessionStorage keys that the configuration
// lists for the revoked ids, and reloads the page when the snippet asks for it
// (`data-reload-on-withdraw`) and a revoked id had tags that ran. It never touches
// Assent's own keys (`assent`, `assent.*`: the runtime's), and it undoes nothing
// else: processing already done stays valid.
//
// A cookie is deleted by writing it again, expired, with the same name, domain, path
// and partition, and with Secure where its prefix demands it. document.cookie shows
// names only, so each listed name is expired on every combination a cookie visible
// here can have: the host alone and each parent domain; every path from the page's
// own up to `/`, with and without a trailing slash (a cookie on a path outside the
// page's ancestry is not visible here and cannot be reached); plain, Secure
// (`__Secure-`, `__Host-`: path `/`, no domain) and Secure with Partitioned (CHIPS).
// Where the engine has cookieStore, the cookies it lists are deleted through it as
// well, with the domain, path and partition it reports. HttpOnly cookies are out of
// reach of page script: the server clears them (README, Withdrawal).

import { ranFor } from './gating.js';
import { log } from './util.js';

const EXPIRED = '=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=';

/** Deletes the cookies and the localStorage and sessionStorage keys that match
 * `patterns` (`*` matches any run of characters). Processing already done stays
 * valid; this stops what the browser still holds. */
export function clearStorage(patterns) {
  if (!patterns.length) return;
  const escape = (p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  const matches = new RegExp(`^(?:${patterns.map(escape).join('|')})$`);
  const host = location.hostname.split('.');
  const domains = [''];
  for (let i = 0; i < host.length - 1; i++) domains.push(`; domain=.${host.slice(i).join('.')}`);
  const path = location.pathname;
  const paths = [path];
  for (let i = path.length; i--;) if (path[i] === '/') paths.push(path.slice(0, i + 1), path.slice(0, i));
  for (const pair of document.cookie ? document.cookie.split('; ') : []) {
    const name = pair.split('=')[0];
    if (!matches.test(name)) continue;
    for (const domain of domains) {
      for (const at of paths) {
        for (const flags of ['', '; Secure', '; Secure; Partitioned']) document.cookie = name + EXPIRED + (at || '/') + domain + flags;
      }
    }
  }
  // Feature-detected (the three tested engines have it, the floor does not): without
  // it, document.cookie above does it all.
  const store = window.cookieStore;
  if (store) {
    store.getAll().then((cookies) => {
      for (const cookie of cookies) {
        if (matches.test(cookie.name)) {
          store.delete({ name: cookie.name, domain: cookie.domain || undefined, path: cookie.path || '/', partitioned: cookie.partitioned })
            .catch(() => {});
        }
      }
    }, () => {});
  }
  for (const store of ['localStorage', 'sessionStorage']) {
    try {
      const area = window[store];
      for (const key of Object.keys(area)) if (!/^assent(\.|$)/.test(key) && matches.test(key)) area.removeItem(key);
    } catch {
      // Storage unavailable: nothing to clear there.
    }
  }
  log('info', `withdrawal cleared storage matching ${patterns.join(', ')}`);
}

/** Reloads the page, when the snippet asks for it, if a gated element that already
 * ran needed one of the `revoked` ids (what ran cannot be stopped otherwise). */
export function reloadIfRan(session, revoked) {
  if (session.assent._cfg.reloadOnWithdraw != null && ranFor(revoked)) {
    log('info', `consent to ${revoked.join(', ')} was withdrawn; reloading so tags that already ran stop`);
    location.reload();
  }
}
