// Assent loader, the entry (bundled as dist/assent.js). It creates the page view's one
// state object (`session`) and hands it to every module that needs it. For a returning
// visitor it first runs the gated tags the stored record allows (the record the stub
// already checked), so they never wait for WebAssembly. Then it probes the browser's
// WebAssembly, fetches the compiled configuration the snippet names (`data-config`,
// written by `assent build`; www/loader/files.js), starts the runtime module (record,
// queries, gating) on it, replaces the stub's queueing methods with real ones, replays the queue in
// order and shows the banner or the reopen control. Callbacks, Promises and events
// live in the loader; decisions are made in Rust. Nothing here grants anything by
// itself: when any step fails, gated tags stay inert (beyond what the stored record
// allowed), `ready` rejects and `get` answers undefined.
//
// Where this departs from ../shared/STYLE.md: the modules (www/loader/*.js) are split
// by job, but the page view's mutable state is one plain object passed as the first
// argument, not a reducer: the loader's state is a handful of handles (the runtime,
// the snapshot, elements on screen, pending imports) that each module updates where
// the effect happens, and a module-level `let` is refused by the lint (eslint.config.js)
// so that no module hides state of its own. The modules work only bundled: the run-time
// imports and `base` resolve against the bundle's URL, in dist/.

// This order sets the modules' order in the bundle; it compresses about 20 bytes
// better than the others tried (tests/e2e/sizes.test.mjs).
import { runGated, watchGated } from './gating.js';
import { sendConsentMode } from './consent-mode.js';
import { connectNative, fromNative } from './native.js';
import { ensureCss, h } from './dom.js';
import { base, deadline, log } from './util.js';
import { show, hide } from './dialog.js';
import { removeBanner, showEarlyBanner, showReopenControl } from './banner.js';
import { chooseLanguage } from './language.js';
import { apiWrite, decide, followOtherTabs } from './decisions.js';
import { emit, off, on, state, whenGranted } from './events.js';
import { loadCompiled, texts } from './files.js';

function fail(assent, error, level = 'error', session) {
  const reason = error instanceof Error ? error : new Error(String(error));
  log(level, `${reason.message}\nNothing that needs consent will run on this page.`);
  // A banner shown before the runtime could record nothing now: a click on it was
  // not applied, and the banner shows again on the next page view.
  if (session) removeBanner(session);
  assent.get = () => undefined;
  assent.state = () => undefined;
  // Pages that wait on `ready` get the rejection; one that never asked gets no
  // "uncaught (in promise)" error for it: the console line above says it once.
  assent.ready.catch(() => {});
  assent._ready[1](reason);
  for (const [, , , reject] of assent._q.splice(0)) reject(reason);
}

// The WebAssembly features the modules use beyond the first version (bulk memory,
// non-trapping float-to-int, sign extension; multi-value too), in one 50-byte module:
// all within the supported floor (Chrome 91, Firefox 90, Safari 15), while reference
// types (Chrome 96) are built out (.cargo/config.toml). An engine without them could
// not instantiate the runtime, so it gets nothing but this check.
const FEATURES = 'AGFzbQEAAAABBgFgAAJ/fwMCAQAFAwEAAAoXARUAQQBBAEEA/AsAQwAAAAD8AMBBAAs=';

function webAssemblySupported() {
  try {
    return WebAssembly.validate(Uint8Array.from(atob(FEATURES), (c) => c.charCodeAt(0)));
  } catch {
    return false;
  }
}

/** The runtime module with every call guarded: a trap (a WebAssembly RuntimeError:
 * the module's state can no longer be trusted) fails the page view closed, once, as
 * any other failure does, and every later call throws that reason instead of running. */
function guarded(session, module) {
  const calls = {};
  for (const [name, call] of Object.entries(module)) {
    if (typeof call !== 'function') continue;
    calls[name] = (...args) => {
      if (session.broken) throw session.broken;
      try {
        return call(...args);
      } catch (error) {
        if (!(error instanceof WebAssembly.RuntimeError)) throw error;
        session.broken = new Error(`the runtime stopped (${error.message})`);
        fail(session.assent, session.broken, 'error', session);
        throw session.broken;
      }
    };
  }
  return calls;
}

/** Replaces the stub's queueing methods with the real ones. */
function installApi(session) {
  const { assent, runtime } = session;
  Object.assign(assent, {
    // Answers, never throws into the page: after a trap, undefined (fail() replaced it).
    get: (id) => {
      try {
        return runtime.get(id);
      } catch {
        return undefined;
      }
    },
    state: () => state(session),
    on: (name, callback) => on(session, name, callback),
    off: (name, callback) => off(session, name, callback),
    whenGranted: (id) => whenGranted(session, id),
    acceptAll: () => apiWrite(session, 'accept-all'),
    rejectAll: () => apiWrite(session, 'reject-all'),
    set: (choices) => apiWrite(session, 'set', choices),
    withdraw: () => apiWrite(session, 'reject-all'),
    receipt: () => texts(session).then((t) => runtime.receipt(t)),
    history: () => runtime.history(),
    fromNative: (value) => {
      try {
        return Promise.resolve(fromNative(session, value));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    show: () => show(session, 'banner'),
    showPreferences: () => show(session, 'preferences'),
    hide: () => hide(session),
    // Consent at the moment of use: a purpose marked `askedAtUse` is asked when the
    // user starts its feature. No purpose of this configuration format can be marked
    // so yet (issue 15 adds the field), so every id is refused, named.
    ask: (id) => Promise.reject(new Error(`ask: ${JSON.stringify(id)} is not a purpose asked at the moment of use (askedAtUse)`)),
    // The permission notice (www/explain.js), imported at its first use.
    explain: (id) => (session.explainer ||= import('./assent-explain.js'))
      .then((m) => m.explain(() => texts(session).then((t) => runtime.permissionText(id, t)), (name, detail) => emit(session, name, detail), ensureCss(session), h)),
  });
}

async function boot(assent) {
  const options = assent._cfg;
  // The page view's state, the one object every module is handed. Fields start
  // undefined until their owner sets them: `runtime` (the runtime module, once
  // started), `snapshot` (its latest snapshot), `language` (the visitor's,
  // www/loader/language.js; `switched` once they switched it before the runtime),
  // `early` (a banner button clicked before the runtime, applied once it is ready),
  // `configUrl` and `digest` (the compiled configuration's, which name the build's
  // other files; the snippet's until it arrives), `files` (those
  // fetched, www/loader/files.js), `cssLoaded` and `uiLoading` (pending loads), `ui` (the interface module, once
  // mounted), `wantedView` (the view last asked for), `opener` (what had focus when
  // the dialog opened), `banner`, `bannerText`, `bannerSize`, `focusGuard` and
  // `reopen` (the first layer on screen), `outbox` and `explainer` (imports of
  // assent-outbox.js, only with a receiptEndpoint, and assent-explain.js, at its
  // first call), `native` ({ module, host } inside an app).
  const session = {
    assent,
    listeners: new Map(), // event name -> Set of callbacks
    waiting: new Map(), // id -> [resolve] for whenGranted
    gating: Promise.resolve(), // the last runGated(), so activations never overlap
  };
  if (!webAssemblySupported()) {
    // Below the floor: nothing is shown that could not record a decision, and nothing
    // runs, not even what a stored record allows.
    fail(assent, new Error('browser unsupported: its WebAssembly lacks bulk memory, sign extension or non-trapping float-to-int (README, supported floor)'), 'warn');
    return;
  }
  if (!options.config) {
    // No configuration, no banner: nothing runs, not even what a stored record allows.
    fail(assent, new Error('the snippet has no data-config: name the compiled configuration (config.<digest>.json) that `assent build` wrote'));
    return;
  }
  session.configUrl = new URL(options.config, document.baseURI).href;
  // How long the loader waits for the runtime, its configuration and the stylesheet
  // (`data-timeout` on the snippet, in ms).
  session.timeout = Number(options.timeout) > 0 ? Number(options.timeout) : 10000;
  // Until the compiled configuration arrives, the build's other files are expected to
  // be of the build the snippet names.
  session.digest = options.configDigest;
  session.language = chooseLanguage(options);
  // A returning visitor's allowed tags run at once, from the record the stub checked;
  // those the parser has not reached yet, at DOMContentLoaded.
  runGated(session);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', () => session.runtime || runGated(session), { once: true });
  }
  // No decision that counts: the stylesheet loads beside the WebAssembly, for the banner.
  if (!assent.state()) ensureCss(session);
  // Nothing stored at all (a first visit) and no GPC signal to honour: nothing about
  // the banner depends on the runtime, so it shows from its words file and the CSS,
  // while the runtime and its configuration load.
  if (!assent.state() && !storedRecord() && navigator.globalPrivacyControl !== true) showEarlyBanner(session);
  try {
    const started = import('./assent_runtime.js').then(async (module) => {
      await module.default({ module_or_path: new URL('assent_runtime_bg.wasm', base) });
      return module;
    });
    const [compiled, module] = await Promise.race([
      Promise.all([loadCompiled(session.configUrl), started]),
      deadline(session.timeout, 'the runtime or its compiled configuration'),
    ]);
    session.digest = compiled.digest;
    session.snapshot = module.start(compiled, session.language, Date.now());
    session.runtime = guarded(session, module);
    // The visitor switched the language on the early banner: remembered now.
    if (session.switched) session.snapshot = session.runtime.setLanguage(session.language);
    // (A snippet without one: the stub said so.)
    if (options.configDigest && options.configDigest !== compiled.digest) {
      log('warn', `the snippet's data-config-digest (${options.configDigest}) is not the compiled configuration's (${compiled.digest}): update the snippet with the one \`assent build\` printed`);
    }
  } catch (error) {
    fail(assent, error, 'error', session);
    return;
  }
  const { snapshot } = session;
  if (options.policyVersion && options.policyVersion !== snapshot.policyVersion) {
    log('warn', `the snippet's data-policy-version (${options.policyVersion}) differs from the configuration's (${snapshot.policyVersion}); update the snippet so returning visitors are answered at once`);
  }
  if (snapshot.recordProblem) log('info', `${snapshot.recordProblem}; asking again`);

  installApi(session);
  if (snapshot.receiptEndpoint) {
    const outbox = (session.outbox = import('./assent-outbox.js'));
    outbox.then((m) => m.start(session.snapshot.receiptEndpoint, session.runtime), (error) => log('error', 'the receipt outbox could not load; events stay queued', error));
  }
  // A decision the app already has counts before anything is shown or run.
  await connectNative(session);
  sendConsentMode(session, 'update');
  runGated(session);
  watchGated(session);
  followOtherTabs(session);
  // A click on the early banner, applied once, before the calls queued meanwhile.
  const early = session.early;
  session.early = null;
  if (early) {
    try {
      decide(session, early, null, 'banner');
    } catch (error) {
      log('error', `the banner's choice could not be recorded: ${error.message}`);
    }
  }
  // Ready first, then the queue: a queued on('ready') is answered once, at once.
  assent._ready[0](state(session));
  emit(session, 'ready', state(session));
  for (const [name, args, resolve, reject] of assent._q.splice(0)) {
    try {
      Promise.resolve(assent[name](...args)).then(resolve, reject);
    } catch (error) {
      reject(error);
    }
  }

  if (session.wantedView === 'preferences') show(session, 'preferences');
  else if (!session.snapshot.needsDecision) {
    removeBanner(session);
    showReopenControl(session);
  } else if (session.banner?.isConnected && !session.snapshot.changes.length) {
    // The early banner says what the runtime's would: kept (and the focus in it).
    session.wantedView = 'banner';
    emit(session, 'show', { view: 'banner', state: state(session) });
  } else show(session, 'banner');
}

/** Whether anything is stored under the record's key (read only, as the stub does). */
function storedRecord() {
  try {
    return localStorage.getItem('assent') !== null;
  } catch {
    return false;
  }
}

const assent = window.assent;
if (assent && assent._q) {
  boot(assent);
} else {
  console.error('assent: the snippet (stub) must be in <head> before assent.js loads; nothing will be granted');
}
