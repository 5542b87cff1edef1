// Assent loader: what a withdrawal does to the page beyond the record. It deletes the
// site's own cookies (on this host and each parent domain) and localStorage and
// sessionStorage keys that the configuration lists for the revoked ids, and reloads
// the page when the snippet asks for it (`data-reload-on-withdraw`) and a revoked id
// had tags that ran. It never touches Assent's own keys (`assent`, `assent.*`: the
// runtime's), and it undoes nothing else: processing already done stays valid.

import { ranFor } from './gating.js';
import { log } from './util.js';

/** Deletes the cookies (on this host and each parent domain) and the localStorage
 * and sessionStorage keys that match `patterns` (`*` matches any run of characters).
 * Processing already done stays valid; this stops what the browser still holds. */
export function clearStorage(patterns) {
  if (!patterns.length) return;
  const escape = (p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  const matches = new RegExp(`^(?:${patterns.map(escape).join('|')})$`);
  const host = location.hostname.split('.');
  const domains = [''];
  for (let i = 0; i < host.length - 1; i++) domains.push(`; domain=.${host.slice(i).join('.')}`);
  for (const pair of document.cookie ? document.cookie.split('; ') : []) {
    const name = pair.split('=')[0];
    if (!matches.test(name)) continue;
    for (const domain of domains) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/${domain}`;
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
