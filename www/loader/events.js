// Assent loader: what page code hears. `on`/`off` listeners, `emit` (each listener
// and the `assent:<event>` CustomEvent on window, always with copies), `whenGranted`
// and the state page scripts see. Listeners that throw are logged, never passed on.
// Nothing here records, shows or gates anything: it reports what the session holds.

import { copy, log } from './util.js';

/** The state page scripts see: a copy, so they cannot change Assent's. */
export function state(session) {
  if (!session.snapshot) return undefined;
  const { decisions, policyVersion, consentId, createdAt, updatedAt, expiresAt, method, language } = session.snapshot;
  return copy({ decisions, policyVersion, consentId, createdAt, updatedAt, expiresAt, method, language });
}

export function emit(session, name, detail) {
  for (const callback of session.listeners.get(name) || []) {
    try {
      callback(copy(detail));
    } catch (error) {
      log('error', `a '${name}' listener threw`, error);
    }
  }
  window.dispatchEvent(new CustomEvent(`assent:${name}`, { detail: copy(detail) }));
}

export function on(session, name, callback) {
  if (typeof callback !== 'function') {
    log('error', `on('${name}', callback) needs a function`);
    return;
  }
  const { listeners, snapshot } = session;
  if (!listeners.has(name)) listeners.set(name, new Set());
  listeners.get(name).add(callback);
  // A late subscriber hears the current state at once: `ready` once started, `change`
  // once a decision exists (with no ids changed).
  const replay = name === 'ready' && snapshot ? state(session)
    : name === 'change' && snapshot && snapshot.consentId ? { changed: [], revoked: [], state: state(session) } : null;
  if (replay) {
    try {
      callback(replay);
    } catch (error) {
      log('error', `a '${name}' listener threw`, error);
    }
  }
}

export function off(session, name, callback) {
  session.listeners.get(name)?.delete(callback);
}

export function whenGranted(session, id) {
  if (session.runtime.get(id) === true) return Promise.resolve(state(session));
  return new Promise((resolve) => {
    const { waiting } = session;
    if (!waiting.has(id)) waiting.set(id, []);
    waiting.get(id).push(resolve);
  });
}

/** Resolves the `whenGranted` promises whose id the runtime now grants. */
export function settleWaiting(session) {
  for (const [id, resolvers] of session.waiting) {
    if (session.runtime.get(id) === true) {
      session.waiting.delete(id);
      for (const resolve of resolvers) resolve(state(session));
    }
  }
}
