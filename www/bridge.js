// Assent's bridge to a native app hosting the page in a WebView (docs/native-bridge.md).
// The loader imports this module only when a host is there. It hands every decision
// to the app, so the app's own SDKs follow the user's choice, and applies a decision
// the app already has, so the H5 page does not ask again. Messages are JSON, format
// version 1; a message that does not fit is refused whole with a console error.

export const VERSION = 1;

const path = (name) => name.split('.').reduce((object, key) => object?.[key], window);

/** The host's way in, in order of preference, or null (a plain page). */
export function detect(custom) {
  const fn = custom && path(custom);
  if (typeof fn === 'function') return { kind: 'custom', send: (text) => fn(text) };
  // Android: addWebMessageListener (origin-restricted, preferred) and
  // addJavascriptInterface both inject an object with postMessage(String).
  const android = window.AssentNative;
  if (android && typeof android.postMessage === 'function') {
    return {
      kind: typeof android.addEventListener === 'function' ? 'android-web-message' : 'android-interface',
      send: (text) => android.postMessage(text),
      listen: (receive) => android.addEventListener?.('message', (event) => receive(event.data)),
    };
  }
  const ios = window.webkit?.messageHandlers?.assent;
  if (ios && typeof ios.postMessage === 'function') return { kind: 'ios', send: (text) => ios.postMessage(text) };
  if (typeof window.AlipayJSBridge?.call === 'function') {
    return { kind: 'alipay', send: (text) => window.AlipayJSBridge.call('assentDecision', { message: text }) };
  }
  if (typeof window.dsBridge?.call === 'function') return { kind: 'dsbridge', send: (text) => window.dsBridge.call('assent.decision', text) };
  return null;
}

/** Whether anything native is there: a host, or a decision the app injected. */
export function present(custom) {
  return window.assentNativeDecision != null || detect(custom) !== null;
}

/** The outgoing message for a snapshot (see docs/native-bridge.md). */
export function message(snapshot, changed = [], revoked = []) {
  const { decisions, policyVersion, consentId, updatedAt, method, language } = snapshot;
  return { type: 'assent:decision', version: VERSION, policyVersion, consentId, updatedAt, method, language, decisions, changed, revoked };
}

/**
 * Reads an incoming message (an object or its JSON text) into a `set` of purpose ids
 * to booleans, or throws why it cannot count: another format version, another
 * policy version, a value that is not a boolean, or a consent purpose left out (a
 * decision the user never made in the app must not be recorded as a refusal).
 */
export function incoming(value, snapshot, consentPurposes) {
  const data = typeof value === 'string' ? JSON.parse(value) : value;
  if (!data || typeof data !== 'object' || data.type !== 'assent:decision') throw new Error('not an assent:decision message');
  if (data.version !== VERSION) throw new Error(`message version ${data.version}, this build reads ${VERSION}`);
  if (data.policyVersion !== snapshot.policyVersion) {
    throw new Error(`decision for policy version ${data.policyVersion}, the page shows ${snapshot.policyVersion}`);
  }
  const decisions = data.decisions;
  if (!decisions || typeof decisions !== 'object') throw new Error('decisions must be an object');
  const set = {};
  for (const id of consentPurposes) {
    if (typeof decisions[id] !== 'boolean') throw new Error(`decisions.${id} must be true or false`);
    set[id] = decisions[id];
  }
  return set;
}
