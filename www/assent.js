// Assent loader: the JS around the WebAssembly. For a returning visitor it first runs
// the gated tags the stored record allows (the record the stub already checked), so
// they never wait for WebAssembly. Then it fetches the configuration, starts the
// runtime module (record, queries, gating), replaces the stub's queueing methods with
// real ones and replays the queue in order, renders the first layer (the banner) from
// the runtime's texts, and imports the Yew module only when the preferences dialog
// opens. Callbacks, Promises and events live here; decisions are made in Rust. Nothing
// here grants anything by itself: when any step fails, gated tags stay inert (beyond
// what the stored record allowed), `ready` rejects and `get` answers undefined.

const assent = window.assent;
const base = new URL('.', import.meta.url);
const listeners = new Map();
const waiting = new Map(); // id -> [resolve] for whenGranted
// Object.hasOwn is newer than the supported floor (Chrome 93, Safari 15.4).
const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
let runtime = null; // the runtime module, once started
let snapshot = null;
let configText = null;
let uiModule = null;
let gating = Promise.resolve();

function log(level, message, ...rest) {
  console[level](`assent: ${message}`, ...rest);
}

function copy(value) {
  return value == null ? value : JSON.parse(JSON.stringify(value));
}

/** The state page scripts see: a copy, so they cannot change Assent's. */
function state() {
  if (!snapshot) return undefined;
  const { decisions, policyVersion, consentId, createdAt, updatedAt, expiresAt, method, language } = snapshot;
  return copy({ decisions, policyVersion, consentId, createdAt, updatedAt, expiresAt, method, language });
}

function emit(name, detail) {
  for (const callback of listeners.get(name) || []) {
    try {
      callback(copy(detail));
    } catch (error) {
      log('error', `a '${name}' listener threw`, error);
    }
  }
  window.dispatchEvent(new CustomEvent(`assent:${name}`, { detail: copy(detail) }));
}

function on(name, callback) {
  if (typeof callback !== 'function') {
    log('error', `on('${name}', callback) needs a function`);
    return;
  }
  if (!listeners.has(name)) listeners.set(name, new Set());
  listeners.get(name).add(callback);
  // A late subscriber hears the current state at once: `ready` once started, `change`
  // once a decision exists (with no ids changed).
  const replay = name === 'ready' && snapshot ? state()
    : name === 'change' && snapshot && snapshot.consentId ? { changed: [], revoked: [], state: state() } : null;
  if (replay) {
    try {
      callback(replay);
    } catch (error) {
      log('error', `a '${name}' listener threw`, error);
    }
  }
}

function off(name, callback) {
  listeners.get(name)?.delete(callback);
}

function whenGranted(id) {
  if (runtime.get(id) === true) return Promise.resolve(state());
  return new Promise((resolve) => {
    if (!waiting.has(id)) waiting.set(id, []);
    waiting.get(id).push(resolve);
  });
}

function settleWaiting() {
  for (const [id, resolvers] of waiting) {
    if (runtime.get(id) === true) {
      waiting.delete(id);
      for (const resolve of resolvers) resolve(state());
    }
  }
}

const PENDING = '[data-assent]:not([data-assent-state])';

/** Whether a gate expression (`data-assent`: ids, each optionally `!`-negated, all
 * needed) is satisfied by the stored record's answers. The same rule as the core's
 * `GateExpression::allows`; used only before the runtime has started. */
function allowedByRecord(expression, decisions) {
  const terms = expression.split(/\s+/).filter(Boolean);
  return terms.length > 0 && terms.every((term) => {
    const id = term.replace(/^!/, '');
    return id !== '' && has(decisions, id) && decisions[id] === (id === term);
  });
}

/** Gated elements that may run now, each claimed once. Before the runtime has
 * started, from the record the stub checked; after, the runtime decides (and gives
 * blocked iframes their placeholders). */
function claim() {
  if (runtime) return runtime.claimRunnable();
  const decisions = assent.state()?.decisions;
  if (!decisions) return [];
  return [...document.querySelectorAll(PENDING)].filter((element) => {
    if (element.tagName === 'SCRIPT' && element.type !== 'text/plain') return false;
    if (!allowedByRecord(element.dataset.assent, decisions)) return false;
    element.dataset.assentState = 'claimed';
    return true;
  });
}

// Attributes that describe the gating and are not copied to the live script.
const GATING = ['type', 'data-src', 'data-type', 'data-assent-state', 'data-assent-placeholder-shown', 'nonce'];

/** Makes a claimed element live and marks it `ran`. A script is replaced by a real one
 * with every other attribute and the nonce (its own, else the page's); returns it when
 * external, so the caller can wait for it (document order). Any other element gets its
 * `data-srcset`/`data-src`/`data-href` moved to the live attribute, and loses its
 * placeholder. */
function activate(gated) {
  if (gated.tagName !== 'SCRIPT') {
    if (gated.hasAttribute('data-assent-placeholder-shown')) {
      if (gated.previousElementSibling?.hasAttribute('data-assent-placeholder')) gated.previousElementSibling.remove();
      gated.removeAttribute('data-assent-placeholder-shown');
    }
    gated.dataset.assentState = 'ran';
    // srcset before src: an img picks its source when src is set.
    for (const name of ['srcset', 'src', 'href']) {
      const url = gated.getAttribute(`data-${name}`);
      if (url !== null) {
        gated.setAttribute(name, url);
        gated.removeAttribute(`data-${name}`);
      }
    }
    return null;
  }
  const live = document.createElement('script');
  for (const { name, value } of gated.attributes) if (!GATING.includes(name)) live.setAttribute(name, value);
  // The nonce attribute reads empty once parsed; the property keeps the value.
  const nonce = gated.nonce || assent._nonce;
  if (nonce) live.nonce = nonce;
  if (gated.dataset.type) live.type = gated.dataset.type;
  live.dataset.assentState = 'ran';
  const src = gated.dataset.src;
  if (src != null) {
    // Dynamically inserted scripts are async by default; keep document order.
    live.async = false;
    live.src = src;
  } else {
    live.text = gated.textContent;
  }
  gated.replaceWith(live);
  return src != null ? live : null;
}

/** Activates the gated elements that may run now, one after another, waiting for each
 * external script so that they execute in document order. */
function runGated() {
  gating = gating.then(async () => {
    const runnable = claim();
    if (document.querySelector('.assent-placeholder')) ensureCss();
    for (const element of runnable) {
      const live = activate(element);
      if (live) {
        await new Promise((done) => {
          live.addEventListener('load', done, { once: true });
          live.addEventListener('error', done, { once: true });
        });
      }
    }
  });
  return gating;
}

/** Records a decision (from the UI or the API) and lets everything follow it. */
function decide(kind, set, method, age) {
  follow(runtime.decide(kind, set ?? null, method, Date.now(), age));
  outbox?.then((m) => m.flush());
  return state();
}

// Consent events to the configuration's receiptEndpoint (www/outbox.js, imported only
// then): the runtime queues them with the record; the outbox sends and retries.
let outbox = null;
let explainer = null;

/** Lets the page follow a new snapshot (a decision here or in another tab): the
 * interface, gated elements, whenGranted, Consent Mode, `change`. */
function follow(result) {
  const before = snapshot;
  snapshot = result.snapshot;
  if (!snapshot.needsDecision) {
    wantedView = 'hidden';
    uiModule?.hide();
    removeBanner();
    showReopenControl();
  }
  runGated();
  settleWaiting();
  sendConsentMode('update');
  if (result.changed.length === 0) return;
  const revoked = result.changed.filter((id) => before?.decisions[id] === true);
  tellNative(result.changed, revoked);
  if (revoked.length) clearStorage(runtime.storageKeysToClear(revoked));
  emit('change', { changed: result.changed, revoked, state: state() });
  if (revoked.length && assent._cfg.reloadOnWithdraw != null && ranFor(revoked)) {
    log('info', `consent to ${revoked.join(', ')} was withdrawn; reloading so tags that already ran stop`);
    location.reload();
  }
}

/** Deletes the cookies (on this host and each parent domain) and the localStorage
 * and sessionStorage keys that match `patterns` (`*` matches any run of characters).
 * Processing already done stays valid; this stops what the browser still holds. */
function clearStorage(patterns) {
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

/** Whether a gated element that already ran needed one of `ids`. */
function ranFor(ids) {
  return [...document.querySelectorAll('[data-assent-state="ran"][data-assent]')]
    .some((el) => el.dataset.assent.split(/\s+/).some((id) => ids.includes(id)));
}

/** Google Consent Mode v2: `gtag('consent', 'update', ...)` through dataLayer. */
function sendConsentMode(command) {
  if (!snapshot?.consentMode) return;
  const layer = (window.dataLayer = window.dataLayer || []);
  (function () { layer.push(arguments); })('consent', command, { ...snapshot.consentMode });
}

function apiWrite(kind, set) {
  try {
    return Promise.resolve(decide(kind, set, 'api'));
  } catch (error) {
    log('error', `${kind === 'set' ? 'set()' : kind} was refused: ${error.message}`);
    return Promise.reject(error);
  }
}

let cssLoaded = null;
function ensureCss() {
  if (!cssLoaded) {
    cssLoaded = new Promise((done) => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = new URL('assent.css', base).href;
      link.addEventListener('load', done, { once: true });
      link.addEventListener('error', done, { once: true });
      document.head.appendChild(link);
    });
  }
  return cssLoaded;
}

let uiLoading = null;
function loadUi() {
  if (!uiLoading) {
    uiLoading = (async () => {
      const [module] = await Promise.all([import('./assent_ui.js'), ensureCss()]);
      await module.default({ module_or_path: new URL('assent_ui_bg.wasm', base) });
      document.addEventListener('keydown', onKeydown);
      document.addEventListener('click', onUiClick, true);
      const host = document.createElement('div');
      host.id = 'assent-root';
      document.body.appendChild(host);
      module.mount(host, configText, snapshot, 'hidden', {
        choose: decide,
        language: (tag) => {
          snapshot = runtime.setLanguage(tag);
          showReopenControl();
        },
        // Closed without a choice: the banner again while no decision exists.
        close: () => {
          wantedView = 'hidden';
          if (snapshot.needsDecision) renderBanner();
        },
        receipt: () => runtime.receipt(),
      });
      uiModule = module;
      return module;
    })();
    uiLoading.catch((error) => log('error', 'the interface could not load; nothing more is granted', error));
  }
  return uiLoading;
}

/** Creates an element with attributes and children (strings become text, never HTML). */
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children.filter((child) => child != null));
  return element;
}

// The first layer, rendered here from the runtime's texts so that a first visit shows
// it without the interface module: a bar at the bottom of the page (not a wall: the
// page stays usable) with reject all, accept all and customise, all the same size.
let banner = null;
let bannerText = null;
function renderBanner() {
  const t = (bannerText = runtime.bannerText());
  const button = (action, label, extra = '') =>
    h('button', { type: 'button', class: `assent-button${extra}`, 'data-assent-action': action }, label);
  const next = h('section', {
    class: 'assent-banner', 'data-assent-ui': 'banner', role: 'region',
    'aria-labelledby': 'assent-banner-title', lang: t.language,
  },
  h('div', { class: 'assent-banner__text' },
    h('h2', { id: 'assent-banner-title', class: 'assent-banner__title' }, t.title),
    h('p', { class: 'assent-banner__body' }, `${t.body} `,
      h('a', { href: t.policyUrl, target: '_blank', rel: 'noopener noreferrer' }, t.policyTitle)),
    // Only what changed since the recorded choice, when that is why it shows.
    t.changes && h('ul', { class: 'assent-changes' }, ...t.changes.map((c) => h('li', { 'data-assent-change': c.id },
      h('strong', {}, c.name), h('span', { class: 'assent-badge' }, c.status),
      ...[c.detail, c.newData, c.note].map((line) => line && h('p', {}, line))))),
    t.separateNote && h('p', { class: 'assent-note', 'data-assent-separate-note': '' }, t.separateNote),
    t.gpcNote && h('p', { class: 'assent-note', 'data-assent-gpc': '' }, t.gpcNote)),
  h('div', { class: 'assent-banner__actions' },
    button('reject-all', t.rejectAll),
    button('accept-all', t.acceptAll),
    button('customise', t.customise, ' assent-button--secondary')),
  h('button', { type: 'button', class: 'assent-language', 'data-assent-action': 'language', lang: t.switchTo }, t.languageSwitch));
  next.addEventListener('click', onBannerClick);
  if (banner?.isConnected) banner.replaceWith(next);
  else document.body.appendChild(next);
  banner = next;
  keepFocusVisible(next);
}

function removeBanner() {
  banner?.remove();
  banner = null;
}

function onBannerClick(event) {
  const action = event.target instanceof Element && event.target.closest('[data-assent-action]');
  if (!action) return;
  const name = action.dataset.assentAction;
  if (name === 'accept-all' || name === 'reject-all') {
    const set = bannerText[name];
    decide(set ? 'set' : name, set, 'banner');
  } else if (name === 'customise') {
    opener = action;
    show('preferences');
  } else if (name === 'language') {
    const focused = document.activeElement === action;
    snapshot = runtime.setLanguage(runtime.bannerText().switchTo);
    renderBanner();
    showReopenControl();
    if (focused) banner.querySelector('[data-assent-action="language"]').focus();
  }
}

// The view last asked for: a decision or hide() made while the UI module is still
// loading must win over the show() that started the load.
let wantedView = 'hidden';
async function show(view) {
  if (!snapshot) return;
  wantedView = view;
  if (view === 'banner') {
    await ensureCss();
    if (wantedView !== view) return;
    renderBanner();
  } else {
    if (!dialog() && !opener) opener = document.activeElement;
    const module = await loadUi();
    if (wantedView !== view) return;
    removeBanner();
    module.show(view, snapshot);
    focusWhenShown();
  }
  emit('show', { view, state: state() });
}

// Keyboard use of the preferences dialog: focus moves into it when it opens, Tab stays
// inside it, Escape closes it, and focus returns to whatever opened it.
let opener = null;
const dialog = () => document.querySelector('[data-assent-ui="preferences"]');
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** Whether an element has a box (not inside a closed `<details>` or `display: none`):
 * what `checkVisibility()` answers, which is newer than the floor (Chrome 105,
 * Safari 17.4). */
const rendered = (element) => element.getClientRects().length > 0;

function focusWhenShown(tries = 0) {
  const shown = dialog();
  if (shown) shown.focus();
  else if (tries < 60) requestAnimationFrame(() => focusWhenShown(tries + 1));
}

function restoreFocus() {
  const from = opener;
  opener = null;
  if (!from) return;
  requestAnimationFrame(() => {
    // The interface may have re-rendered the opener: find its successor by action.
    const action = from.dataset?.assentAction;
    const target = from.isConnected && from !== document.body ? from
      : (action && document.querySelector(`[data-assent-action="${action}"]`))
        || document.querySelector('[data-assent-ui="banner"] button, .assent-reopen');
    target?.focus();
  });
}

function onKeydown(event) {
  const shown = dialog();
  if (!shown) return;
  if (event.key === 'Escape') {
    event.preventDefault();
    shown.querySelector('[data-assent-action="close"]')?.click();
    restoreFocus();
  } else if (event.key === 'Tab') {
    const items = [...shown.querySelectorAll(FOCUSABLE)].filter(rendered);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === shown)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !shown.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }
}

function onUiClick(event) {
  const action = event.target instanceof Element && event.target.closest('#assent-root [data-assent-action]');
  if (!action) return;
  const name = action.dataset.assentAction;
  if (action.closest('[data-assent-ui="preferences"]') && ['close', 'save', 'accept-all', 'reject-all'].includes(name)) {
    restoreFocus();
  }
}

// The banner covers the bottom of the viewport: scroll padding keeps the element that
// has focus above it (WCAG 2.4.11). Set through the CSSOM, allowed under a strict CSP.
let bannerSize = null;
function keepFocusVisible(banner) {
  bannerSize?.disconnect();
  bannerSize = new ResizeObserver(() => {
    const height = banner.isConnected ? banner.getBoundingClientRect().height : 0;
    document.documentElement.style.setProperty('--assent-banner-height', `${Math.ceil(height)}px`);
    if (!banner.isConnected) bannerSize.disconnect();
  });
  bannerSize.observe(banner);
  if (!focusGuard) {
    // Browsers skip scrolling for an element that is partly in view, even behind the
    // banner: scroll it clear (block 'nearest' honours the scroll padding).
    focusGuard = (event) => {
      const shown = banner; // the banner on screen, or null once it is gone
      const target = event.target;
      if (!shown || !(target instanceof Element) || shown.contains(target)) return;
      if (target.getBoundingClientRect().bottom > shown.getBoundingClientRect().top) {
        target.scrollIntoView({ block: 'nearest' });
      }
    };
    document.addEventListener('focusin', focusGuard);
  }
}
let focusGuard = null;

function hide() {
  wantedView = 'hidden';
  uiModule?.hide();
  removeBanner();
  emit('hide', { state: state() });
}

let reopen = null;
function showReopenControl() {
  if (!reopen) {
    ensureCss();
    reopen = document.createElement('button');
    reopen.type = 'button';
    reopen.className = 'assent-reopen';
    reopen.dataset.assentAction = 'preferences';
    reopen.addEventListener('click', () => show('preferences'));
    document.body.appendChild(reopen);
  }
  reopen.textContent = snapshot.reopenLabel;
  reopen.lang = snapshot.language;
}

/** Gates what arrives later (single-page apps, late widgets), follows decisions made
 * in other tabs, and handles the placeholders' "allow" buttons. */
function watch() {
  new MutationObserver((mutations) => {
    const gated = mutations.some((m) => [...m.addedNodes].some((n) =>
      n.nodeType === 1 && (n.hasAttribute('data-assent') || n.querySelector('[data-assent]'))));
    if (gated) runGated();
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener('storage', (event) => {
    if (event.key !== 'assent' && event.key !== null) return;
    try {
      follow(runtime.sync(Date.now()));
    } catch (error) {
      log('error', 'could not follow a decision made in another tab', error);
    }
  });
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element && event.target.closest('[data-assent-action="allow"]');
    if (!button) return;
    const ids = (button.getAttribute('data-assent-allow') || '').split(/\s+/).filter(Boolean);
    try {
      decide('set', Object.fromEntries(ids.map((id) => [id, true])), 'placeholder');
    } catch (error) {
      log('error', `allowing ${ids.join(', ')} failed: ${error.message}`);
    }
  });
}

// A native app around the page (WebView): www/bridge.js, imported only when there is
// one (or a decision it injected, or a custom bridge function named on the tag).
let native = null;
const nativeHint = () => window.assentNativeDecision != null || assent._cfg.bridge || window.AssentNative
  || window.webkit?.messageHandlers?.assent || window.AlipayJSBridge || window.dsBridge;

async function connectNative() {
  if (!nativeHint()) {
    // Alipay-style containers inject their bridge after the page starts.
    document.addEventListener('AlipayJSBridgeReady', () => connectNative(), { once: true });
    return;
  }
  try {
    const module = await import('./assent-bridge.js');
    native = { module, host: module.detect(assent._cfg.bridge) };
    const apply = (value) => {
      try {
        fromNative(value);
      } catch {
        // Refused whole and logged: the page asks the user itself.
      }
    };
    if (window.assentNativeDecision != null) apply(window.assentNativeDecision);
    native.host?.listen?.(apply);
    if (snapshot.consentId) tellNative([], []);
  } catch (error) {
    log('error', 'the native app bridge could not start; the page decides alone', error);
  }
}

/** Hands the current decision to the app (after every change). */
function tellNative(changed, revoked) {
  if (!native?.host || !snapshot.consentId) return;
  try {
    native.host.send(JSON.stringify(native.module.message(snapshot, changed, revoked)));
  } catch (error) {
    log('error', 'the app did not take the decision', error);
  }
}

/** Records a decision the app already has (method `native`), or refuses it whole. */
function fromNative(value) {
  try {
    if (!native) throw new Error('no native bridge on this page');
    return decide('set', native.module.incoming(value, snapshot, runtime.consentPurposes()), 'native');
  } catch (error) {
    log('error', `the app's decision was refused: ${error.message}`);
    throw error;
  }
}

async function fetchConfig(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`the configuration ${url} answered HTTP ${response.status}`);
  return response.text();
}

function fail(error, level = 'error') {
  const reason = error instanceof Error ? error : new Error(String(error));
  log(level, `${reason.message}\nNothing that needs consent will run on this page.`);
  assent.get = () => undefined;
  assent.state = () => undefined;
  // Pages that wait on `ready` get the rejection; one that never asked gets no
  // "uncaught (in promise)" error for it: the console line above says it once.
  assent.ready.catch(() => {});
  assent._ready[1](reason);
  for (const [, , , reject] of assent._q.splice(0)) reject(reason);
}

async function defaultConfig() {
  const module = await import('./assent_default.js');
  await module.default({ module_or_path: new URL('assent_default_bg.wasm', base) });
  return module.defaultConfig();
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

async function boot() {
  const options = assent._cfg;
  if (!webAssemblySupported()) {
    // Below the floor: nothing is shown that could not record a decision, and nothing
    // runs, not even what a stored record allows.
    fail(new Error('browser unsupported: its WebAssembly lacks bulk memory, sign extension or non-trapping float-to-int (README, supported floor)'), 'warn');
    return;
  }
  // A returning visitor's allowed tags run at once, from the record the stub checked;
  // those the parser has not reached yet, at DOMContentLoaded.
  runGated();
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', () => runtime || runGated(), { once: true });
  }
  // No decision that counts: the stylesheet loads beside the WebAssembly, for the banner.
  if (!assent.state()) ensureCss();
  try {
    const started = import('./assent_runtime.js').then(async (module) => {
      await module.default({ module_or_path: new URL('assent_runtime_bg.wasm', base) });
      return module;
    });
    // No URL on the loader tag: the compiled-in default, from its own module.
    const [text, module] = await Promise.all([options.config ? fetchConfig(options.config) : defaultConfig(), started]);
    snapshot = module.start(text, options.lang ?? null, Date.now());
    runtime = module;
    configText = text;
  } catch (error) {
    fail(error);
    return;
  }
  if (options.policyVersion && options.policyVersion !== snapshot.policyVersion) {
    log('warn', `the snippet's data-policy-version (${options.policyVersion}) differs from the configuration's (${snapshot.policyVersion}); update the snippet so returning visitors are answered at once`);
  }
  if (snapshot.recordProblem) log('info', `${snapshot.recordProblem}; asking again`);

  Object.assign(assent, {
    get: (id) => runtime.get(id),
    state,
    on,
    off,
    whenGranted,
    acceptAll: () => apiWrite('accept-all'),
    rejectAll: () => apiWrite('reject-all'),
    set: (choices) => apiWrite('set', choices),
    withdraw: () => apiWrite('reject-all'),
    receipt: () => Promise.resolve(runtime.receipt()),
    history: () => runtime.history(),
    fromNative: (value) => {
      try {
        return Promise.resolve(fromNative(value));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    show: () => show('banner'),
    showPreferences: () => show('preferences'),
    hide,
    // The permission notice (www/explain.js), imported at its first use.
    explain: (id) => (explainer ||= import('./assent-explain.js'))
      .then((m) => m.explain(() => runtime.permissionText(id), emit, ensureCss(), h)),
  });

  if (snapshot.receiptEndpoint) {
    outbox = import('./assent-outbox.js');
    outbox.then((m) => m.start(snapshot.receiptEndpoint), (error) => log('error', 'the receipt outbox could not load; events stay queued', error));
  }
  // A decision the app already has counts before anything is shown or run.
  await connectNative();
  sendConsentMode('update');
  runGated();
  watch();
  // Ready first, then the queue: a queued on('ready') is answered once, at once.
  assent._ready[0](state());
  emit('ready', state());
  for (const [name, args, resolve, reject] of assent._q.splice(0)) {
    try {
      Promise.resolve(assent[name](...args)).then(resolve, reject);
    } catch (error) {
      reject(error);
    }
  }

  if (snapshot.needsDecision) show('banner');
  else showReopenControl();
}

if (assent && assent._q) {
  boot();
} else {
  console.error('assent: the snippet (stub) must be in <head> before assent.js loads; nothing will be granted');
}
