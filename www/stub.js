/*! Assent stub: paste inline in <head>, before any tag. Defines window.assent at once,
 * queues calls until the WebAssembly runtime is ready (then the loader, www/loader/,
 * replays them in order), and answers get() synchronously for a returning visitor from the stored
 * record, checked exactly as the Rust decoder checks it (docs/record-format.md;
 * tests/fixtures/record-vectors.json runs against both). */
(function (w, d) {
  var script = d.currentScript, data = script.dataset;
  var policyVersion = data.policyVersion, queue = [], has = Object.prototype.hasOwnProperty, broken;
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
  var api = {
    _q: queue,
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
      return new Promise(function (resolve, reject) { broken ? reject(broken) : queue.push([name, args, resolve, reject]); });
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
  // The loader not arriving (a server error, a body cut off) leaves everything gated;
  // `ready` says why instead of waiting for ever.
  loader.onerror = function () {
    broken = Error('assent: ' + loader.src + ' did not load; nothing that needs consent will run');
    console.error(broken.message);
    api.ready.catch(function () {});
    api._ready[1](broken);
    queue.splice(0).forEach(function (call) { call[3](broken); });
  };
  d.head.appendChild(loader);
})(window, document);
