/*! Assent stub: paste inline in <head>, before any tag. Defines window.assent at once,
 * queues calls until the WebAssembly runtime is ready (then www/assent.js replays them
 * in order), and answers get() synchronously for a returning visitor from the stored
 * record, checked exactly as the Rust decoder checks it (docs/record-format.md;
 * tests/fixtures/record-vectors.json runs against both). */
(function (w, d) {
  var script = d.currentScript, data = script.dataset;
  var policyVersion = data.policyVersion, queue = [], has = Object.prototype.hasOwnProperty;
  var methods = ['acceptAll', 'rejectAll', 'set', 'withdraw', 'show', 'showPreferences', 'hide', 'on', 'off', 'whenGranted'];
  function safe(n) { return typeof n == 'number' && Number.isSafeInteger(n) && n >= 0; }
  function text(s) { return typeof s == 'string' && s.trim() != ''; }
  // The stored record if it counts, else null; never throws (storage may be null).
  function record() {
    try {
      var stored = w.localStorage.getItem('assent'), r, k;
      if (stored == null || stored.length > 65536 || !policyVersion) return null;
      r = JSON.parse(stored);
      if (!r || typeof r != 'object' || Array.isArray(r)) return null;
      if (!safe(r.schema) || r.schema !== 1) return null;
      if (r.policyVersion !== policyVersion || typeof r.consentId != 'string' || !r.consentId) return null;
      if (!safe(r.createdAt) || !safe(r.updatedAt) || !safe(r.expiresAt)) return null;
      if (!text(r.language) || ['banner', 'preferences', 'api', 'placeholder', 'native'].indexOf(r.method) < 0) return null;
      if (!r.decisions || typeof r.decisions != 'object' || Array.isArray(r.decisions)) return null;
      for (k in r.decisions) if (has.call(r.decisions, k) && typeof r.decisions[k] != 'boolean') return null;
      return Date.now() < r.expiresAt ? r : null;
    } catch (e) {
      return null;
    }
  }
  var api = {
    _q: queue,
    _cfg: { config: data.config, lang: data.lang, policyVersion: policyVersion, nonce: script.nonce, reload: data.reloadOnWithdraw != null },
    get: function (id) {
      var r = record();
      return r && typeof id == 'string' && has.call(r.decisions, id) ? r.decisions[id] : undefined;
    },
    state: function () {
      var r = record();
      return r ? JSON.parse(JSON.stringify({ decisions: r.decisions, policyVersion: r.policyVersion, consentId: r.consentId,
        createdAt: r.createdAt, updatedAt: r.updatedAt, expiresAt: r.expiresAt, method: r.method, language: r.language })) : undefined;
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
  // Google Consent Mode v2 (when the snippet has data-consent-mode): everything denied
  // before any tag runs; the loader sends the update from the record.
  if (data.consentMode != null) {
    var layer = w.dataLayer = w.dataLayer || [], defaults = { wait_for_update: 500 };
    'ad_storage analytics_storage ad_user_data ad_personalization functionality_storage personalization_storage security_storage'
      .split(' ').forEach(function (k) { defaults[k] = 'denied'; });
    (function () { layer.push(arguments); })('consent', 'default', defaults);
  }
  var loader = d.createElement('script');
  loader.type = 'module';
  loader.src = (data.base || '/assent/') + 'assent.js';
  loader.nonce = script.nonce;
  d.head.appendChild(loader);
})(window, document);
