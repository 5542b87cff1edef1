// Assent loader: the glue to a native app around the page (WebView). It imports
// www/bridge.js (`assent-bridge.js`) only when a host is there (or a decision it
// injected, or a custom bridge function named on the tag), applies the app's decision
// through `decide` (method `native`) and hands every later decision to the app. The
// message format and its checks are the bridge's; nothing here grants what the app's
// message does not say, and a message that does not fit is refused whole.

import { decide } from './decisions.js';
import { log } from './util.js';

const nativeHint = (options) => window.assentNativeDecision != null || options.bridge || window.AssentNative
  || window.webkit?.messageHandlers?.assent || window.AlipayJSBridge || window.dsBridge;

/** Imports the bridge when the page is inside an app, applies a decision it already
 * has and listens for later ones. */
export async function connectNative(session) {
  const options = session.assent._cfg;
  if (!nativeHint(options)) {
    // Alipay-style containers inject their bridge after the page starts.
    document.addEventListener('AlipayJSBridgeReady', () => connectNative(session), { once: true });
    return;
  }
  try {
    const module = await import('./assent-bridge.js');
    const native = (session.native = { module, host: module.detect(options.bridge) });
    const apply = (value) => {
      try {
        fromNative(session, value);
      } catch {
        // Refused whole and logged: the page asks the user itself.
      }
    };
    if (window.assentNativeDecision != null) apply(window.assentNativeDecision);
    native.host?.listen?.(apply);
    if (session.snapshot.consentId) tellNative(session, [], []);
  } catch (error) {
    log('error', 'the native app bridge could not start; the page decides alone', error);
  }
}

/** Hands the current decision to the app (after every change). */
export function tellNative(session, changed, revoked) {
  const { native, snapshot } = session;
  if (!native?.host || !snapshot.consentId) return;
  try {
    native.host.send(JSON.stringify(native.module.message(snapshot, changed, revoked)));
  } catch (error) {
    log('error', 'the app did not take the decision', error);
  }
}

/** Records a decision the app already has (method `native`), or refuses it whole. */
export function fromNative(session, value) {
  try {
    const { native } = session;
    if (!native) throw new Error('no native bridge on this page');
    return decide(session, 'set', native.module.incoming(value, session.snapshot, session.runtime.consentPurposes()), 'native');
  } catch (error) {
    log('error', `the app's decision was refused: ${error.message}`);
    throw error;
  }
}
