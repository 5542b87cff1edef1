// Assent loader: making gated elements live. It claims the `data-assent` elements that
// may run (before the runtime has started, from the record the stub checked, with the
// early path's rule `allowedByRecord`; after, as the runtime's `claimRunnable` says),
// activates each once, in document order, watches for elements inserted later
// (MutationObserver) and handles the placeholders' "allow and load" buttons. It owns
// the `data-assent-state` marks (`claimed`, then `ran`) and the live copies of gated
// scripts. It must never activate an element twice, nor one that nothing granted: an
// undecided id never runs.

import { decide } from './decisions.js';
import { ensureCss, loaded } from './dom.js';
import { has, log } from './util.js';

const PENDING = '[data-assent]:not([data-assent-state])';

/** Whether a gate expression (`data-assent`: ids, each optionally `!`-negated, all
 * needed) is satisfied by the stored record's answers. The same rule as the core's
 * `GateExpression::allows`; used only before the runtime has started. */
export function allowedByRecord(expression, decisions) {
  const terms = expression.split(/\s+/).filter(Boolean);
  return terms.length > 0 && terms.every((term) => {
    const id = term.replace(/^!/, '');
    return id !== '' && has(decisions, id) && decisions[id] === (id === term);
  });
}

/** Gated elements that may run now, each claimed once. Before the runtime has
 * started, from the record the stub checked; after, the runtime decides (and gives
 * blocked iframes their placeholders). */
function claim(session) {
  if (session.runtime) return session.runtime.claimRunnable();
  const decisions = session.assent.state()?.decisions;
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
