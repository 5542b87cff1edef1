/*! Assent stub: paste inline in <head>, before any tag. Defines window.assent at once,
 * queues calls until the WebAssembly runtime is ready (then the loader, www/loader/,
 * replays them in order), and answers get() synchronously for a returning visitor from the stored
 * record, checked exactly as the Rust decoder checks it (docs/record-format.md;
 * tests/fixtures/record-vectors.json runs against both). With a record that counts it
 * also runs each gated script the parser inserts as soon as the parser is past it, if
 * the gate rule allows it (parse-time gating): the one JS copy of the gate rule and of
 * a gated script's activation, which the loader uses too (`_allowed`, `_run`). */
(function (w, d) {
  var script = d.currentScript, data = script.dataset;
  var policyVersion = data.policyVersion, queue = [], has = Object.prototype.hasOwnProperty;
  var methods = 'acceptAll rejectAll set withdraw show showPreferences hide on off whenGranted receipt explain ask'.split(' ');
  function safe(n) { return typeof n == 'number' && Number.isSafeInteger(n) && n >= 0; }
  function text(s) { return typeof s == 'string' && s.trim() != ''; }
  function object(o) { return o && typeof o == 'object' && !Array.isArray(o); }
  // The stored record if it counts, else null; never throws (storage may be null).
  // The checks are those of docs/record-format.md, in its order, and the record must
  // have been made on this build of the configuration (`record::decode_early`): a tag
  // never runs early on consent given for other disclosures.
  function record() {
    try {
      var stored = w.localStorage.getItem('assent'), r, k;
      if (!data.configDigest || stored == null || stored.length > 65536 || !policyVersion || !object(r = JSON.parse(stored))) return null;
      if (!(r.schema === 1 && r.policyVersion === policyVersion && r.configDigest === data.configDigest &&
        typeof r.consentId == 'string' && r.consentId && safe(r.createdAt) && safe(r.updatedAt) && safe(r.expiresAt) &&
        text(r.language) && text(r.method) &&
        object(r.decisions))) return null;
      for (k in r.decisions) if (has.call(r.decisions, k) && typeof r.decisions[k] != 'boolean') return null;
      return Date.now() < r.expiresAt ? r : null;
    } catch (e) {
      return null;
    }
  }
  // The gate rule: whether a `data-assent` expression (ids separated by ASCII
  // whitespace, as HTML splits tokens, each optionally `!`-negated, all needed) is
  // satisfied by `decisions` (id -> true, false, or absent for no answer). The core's
  // `GateExpression::allows` is the same rule: both run tests/fixtures/gate-vectors.json.
  function allowed(expression, decisions) {
    var terms = String(expression).split(/[\t\n\f\r ]+/).filter(Boolean);
    return terms.length > 0 && terms.every(function (term) {
      var id = term.replace(/^!/, '');
      return id !== '' && has.call(decisions, id) && decisions[id] === (id === term);
    });
  }
  // Replaces a claimed gated script by a live one with every other attribute and the
  // nonce (its own, else the snippet's), marked `ran`; returns it when external, so a
  // caller can wait for it. Dynamically inserted scripts are async by default: an
  // external one is made ordered, so gated scripts run in document order.
  function run(gated) {
    var live = d.createElement('script'), skip = ' type data-src data-type data-assent-state nonce ', i, a;
    for (i = 0; i < gated.attributes.length; i++) {
      a = gated.attributes[i];
      if (skip.indexOf(' ' + a.name + ' ') < 0) live.setAttribute(a.name, a.value);
    }
    // The nonce attribute reads empty once parsed; the property keeps the value.
    if (gated.nonce || script.nonce) live.nonce = gated.nonce || script.nonce;
    if (gated.dataset.type) live.type = gated.dataset.type;
    live.dataset.assentState = 'ran';
    if (gated.dataset.src != null) {
      live.async = false;
      live.src = gated.dataset.src;
    } else {
      live.text = gated.textContent;
    }
    gated.parentNode.replaceChild(live, gated);
    return gated.dataset.src != null ? live : null;
  }
  // The WebAssembly features the modules use beyond the first version (bulk memory,
  // non-trapping float-to-int, sign extension; multi-value too), in one 50-byte module:
  // all within the supported floor (Chrome 91, Firefox 90, Safari 15), while reference
  // types (Chrome 96) are built out (.cargo/config.toml). An engine without them could
  // not instantiate the runtime: nothing runs there, not even at parse time, and the
  // loader says why.
  function floor() {
    try {
      return WebAssembly.validate(Uint8Array.from(atob('AGFzbQEAAAABBgFgAAJ/fwMCAQAFAwEAAAoXARUAQQBBAEEA/AsAQwAAAAD8AMBBAAs='),
        function (c) { return c.charCodeAt(0); }));
    } catch (e) {
      return false;
    }
  }
  var api = {
    _q: queue, _allowed: allowed, _run: run, _floor: floor(),
    // The loader tag's data-* attributes, and its nonce (the attribute reads empty).
    _cfg: data, _nonce: script.nonce,
    get: function (id) {
      var r = record();
      return r && typeof id == 'string' && has.call(r.decisions, id) ? r.decisions[id] : undefined;
    },
    state: function () {
      var r = record(), copy = {};
      if (!r) return;
      'decisions policyVersion consentId createdAt updatedAt expiresAt method language'.split(' ')
        .forEach(function (k) { copy[k] = r[k]; });
      return JSON.parse(JSON.stringify(copy));
    }
  };
  api.ready = new Promise(function (resolve, reject) { api._ready = [resolve, reject]; });
  methods.forEach(function (name) {
    api[name] = function () {
      var args = arguments;
      return new Promise(function (resolve, reject) { queue.push([name, args, resolve, reject]); });
    };
  });
  w.assent = api;
  if (!data.configDigest) console.warn('assent: the snippet has no data-config-digest: returning visitors are answered only once the runtime starts');
  // Google Consent Mode v2 (when the snippet has data-consent-mode): everything denied
  // before any tag runs; the loader sends the update from the record.
  if (data.consentMode != null) {
    var layer = w.dataLayer = w.dataLayer || [], defaults = { wait_for_update: 500 };
    'ad_storage analytics_storage ad_user_data ad_personalization functionality_storage personalization_storage security_storage'
      .split(' ').forEach(function (k) { defaults[k] = 'denied'; });
    (function () { layer.push(arguments); })('consent', 'default', defaults);
  }
  // Parse-time gating: while the document parses, each gated script the record allows
  // runs once the parser is past it (a later node exists, so its text is complete),
  // in document order; what is left at DOMContentLoaded is the loader's, which skips
  // what ran here (`data-assent-state`).
  var stored = record();
  if (stored && api._floor && data.config && d.readyState == 'loading') {
    var parsing = new MutationObserver(function () {
      var pending = d.querySelectorAll('script[type="text/plain"][data-assent]:not([data-assent-state])'), i, n;
      for (i = 0; i < pending.length; i++) {
        for (n = pending[i]; n && !n.nextSibling; n = n.parentNode);
        if (!n) break;
        if (allowed(pending[i].dataset.assent, stored.decisions)) run(pending[i]);
      }
    });
    parsing.observe(d.documentElement, { childList: true, subtree: true });
    d.addEventListener('DOMContentLoaded', function () { parsing.disconnect(); });
  }
  var loader = d.createElement('script');
  // Browsers older than the supported floor (no ES modules or no WebAssembly) keep
  // everything gated and say why.
  if (!w.WebAssembly || !('noModule' in loader)) {
    var old = 'assent: browser unsupported';
    console.warn(old);
    return api._ready[1](Error(old));
  }
  loader.type = 'module';
  loader.src = (data.base || '/assent/') + 'assent.js';
  loader.nonce = script.nonce;
  d.head.appendChild(loader);
})(window, document);
