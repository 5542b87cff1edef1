// Assent loader: a decision and everything that follows it. `decide` records one
// through the runtime (from the banner, the dialog, the API, a placeholder or the
// app); `follow` lets the page follow a new snapshot, whether recorded here or in
// another tab (the `storage` event): the view, gated elements, `whenGranted`, Consent
// Mode, the app, withdrawal, `change`. The runtime decides; nothing here grants
// anything by itself, and this is the only module that replaces `session.snapshot`
// after a decision.

import { sendConsentMode } from './consent-mode.js';
import { removeBanner, showReopenControl } from './banner.js';
import { emit, settleWaiting, state } from './events.js';
import { runGated } from './gating.js';
import { tellNative } from './native.js';
import { log } from './util.js';
import { clearStorage, reloadIfRan } from './withdrawal.js';

/** Records a decision (from the UI or the API) and lets everything follow it. */
export function decide(session, kind, set, method, age) {
  follow(session, session.runtime.decide(kind, set ?? null, method, Date.now(), age));
  session.outbox?.then((m) => m.flush());
  return state(session);
}

/** An API write: a Promise of the state, or rejected with the reason it was refused. */
export function apiWrite(session, kind, set) {
  try {
    return Promise.resolve(decide(session, kind, set, 'api'));
  } catch (error) {
    log('error', `${kind === 'set' ? 'set()' : kind} was refused: ${error.message}`);
    return Promise.reject(error);
  }
}

/** Lets the page follow a new snapshot (a decision here or in another tab): the
 * interface, gated elements, whenGranted, Consent Mode, `change`. */
function follow(session, result) {
  const before = session.snapshot;
  const snapshot = (session.snapshot = result.snapshot);
  if (!snapshot.needsDecision) {
    session.wantedView = 'hidden';
    session.ui?.hide();
    removeBanner(session);
    showReopenControl(session);
  }
  runGated(session);
  settleWaiting(session);
  sendConsentMode(session, 'update');
  if (result.changed.length === 0) return;
  const revoked = result.changed.filter((id) => before?.decisions[id] === true);
  tellNative(session, result.changed, revoked);
  if (revoked.length) clearStorage(session.runtime.storageKeysToClear(revoked));
  emit(session, 'change', { changed: result.changed, revoked, state: state(session) });
  if (revoked.length) reloadIfRan(session, revoked);
}

/** Follows decisions made in other tabs of the site. */
export function followOtherTabs(session) {
  window.addEventListener('storage', (event) => {
    if (event.key !== 'assent' && event.key !== null) return;
    try {
      follow(session, session.runtime.sync(Date.now()));
    } catch (error) {
      log('error', 'could not follow a decision made in another tab', error);
    }
  });
}
