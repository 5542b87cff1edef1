// Assent loader: every gated element, the one owner of them. It claims the
// `data-assent` elements that may run by the gate rule (`allowed`: on the answers of
// the record the stub checked before the runtime has started, on the runtime's
// snapshot after), gives a blocked iframe its placeholder (the words and what "allow"
// grants are the runtime's `placeholder`), activates each claimed element once, in
// document order, watches for elements inserted later (MutationObserver) and handles
// the placeholders' "allow and load" buttons. It owns the `data-assent-state` marks
// (`claimed`, then `ran`) and the live copies of gated scripts. It must never activate
// an element twice, nor one that nothing granted: an undecided id never runs.

import { decide } from './decisions.js';
import { ensureCss, h, loaded } from './dom.js';
import { has, log } from './util.js';

const PENDING = '[data-assent]:not([data-assent-state])';

/** The gate rule: whether a `data-assent` expression (ids separated by ASCII
 * whitespace, as HTML splits tokens, each optionally `!`-negated, all needed) is
 * satisfied by `decisions` (id -> true, false, or null/absent for no answer). The
 * core's `GateExpression::allows` is the same rule: both are tested on
 * tests/fixtures/gate-vectors.json. */
export function allowed(expression, decisions) {
  const terms = expression.split(/[\t\n\f\r ]+/).filter(Boolean);
  return terms.length > 0 && terms.every((term) => {
    const id = term.replace(/^!/, '');
    return id !== '' && has(decisions, id) && decisions[id] === (id === term);
  });
}

/** Gated elements that may run now, in document order, each claimed once. Before
 * the runtime has started, on the record the stub checked; after, on the runtime's
 * answers, and a blocked iframe gets its placeholder. A script that is not
 * `type="text/plain"` is already live: it is left alone. */
function claim(session) {
  const { runtime } = session;
  if (session.broken) return [];
  const decisions = runtime ? session.snapshot.decisions : session.assent.state()?.decisions;
  if (!decisions) return [];
  return [...document.querySelectorAll(PENDING)].filter((element) => {
    if (element.tagName === 'SCRIPT' && element.type !== 'text/plain') return false;
    if (!allowed(element.dataset.assent, decisions)) {
      if (runtime && element.tagName === 'IFRAME' && !element.hasAttribute('data-assent-placeholder-shown')) {
        showPlaceholder(element, runtime.placeholder(element.dataset.assent));
      }
      return false;
    }
    element.dataset.assentState = 'claimed';
    return true;
  });
}

/** Inserts, just before a blocked iframe, what it needs and an "allow" button
 * (`data-assent-action="allow"`, handled by `watchGated`). Text only. */
function showPlaceholder(element, p) {
  if (!p || !element.parentNode) return;
  const grants = p.grants.join(' ');
  element.before(h('div', { class: 'assent-placeholder', 'data-assent-placeholder': grants, lang: p.language },
    h('p', {}, p.text),
    h('button', { type: 'button', 'data-assent-action': 'allow', 'data-assent-allow': grants }, p.allow)));
  element.setAttribute('data-assent-placeholder-shown', '');
}

// Attributes that describe the gating and are not copied to the live script.
const GATING = ['type', 'data-src', 'data-type', 'data-assent-state', 'data-assent-placeholder-shown', 'nonce'];

/** Makes a claimed element live and marks it `ran`. A script is replaced by a real one
 * with every other attribute and the nonce (its own, else the page's); returns it when
 * external, so the caller can wait for it (document order). Any other element gets its
 * `data-srcset`/`data-src`/`data-href` moved to the live attribute, and loses its
 * placeholder. */
function activate(session, gated) {
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
  const nonce = gated.nonce || session.assent._nonce;
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
 * external script so that they execute in document order. Each call queues behind the
 * previous one (`session.gating`). */
export function runGated(session) {
  session.gating = session.gating.then(async () => {
    const runnable = claim(session);
    if (document.querySelector('.assent-placeholder')) ensureCss(session);
    for (const element of runnable) {
      const live = activate(session, element);
      if (live) await loaded(live);
    }
  });
  return session.gating;
}

/** Whether a gated element that already ran needed one of `ids`. */
export function ranFor(ids) {
  return [...document.querySelectorAll('[data-assent-state="ran"][data-assent]')]
    .some((el) => el.dataset.assent.split(/\s+/).some((id) => ids.includes(id)));
}

/** Gates what arrives later (single-page apps, late widgets) and handles the
 * placeholders' "allow" buttons (recorded with method `placeholder`). */
export function watchGated(session) {
  new MutationObserver((mutations) => {
    const gated = mutations.some((m) => [...m.addedNodes].some((n) =>
      n.nodeType === 1 && (n.hasAttribute('data-assent') || n.querySelector('[data-assent]'))));
    if (gated) runGated(session);
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element && event.target.closest('[data-assent-action="allow"]');
    if (!button) return;
    const ids = (button.getAttribute('data-assent-allow') || '').split(/\s+/).filter(Boolean);
    try {
      decide(session, 'set', Object.fromEntries(ids.map((id) => [id, true])), 'placeholder');
    } catch (error) {
      log('error', `allowing ${ids.join(', ')} failed: ${error.message}`);
    }
  });
}
