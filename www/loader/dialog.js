// Assent loader: what is on screen. `show`/`hide` for the banner and the preferences
// dialog, the interface module (crates/ui, `assent_ui.js`) imported only when the
// dialog first opens and mounted with the loader's callbacks, and keyboard use of the
// dialog: focus moves into it when it opens, Tab stays inside it, Escape closes it,
// and focus returns to whatever opened it. The view last asked for wins
// (`session.wantedView`): a decision or hide() made while the module is still loading
// must win over the show() that started the load. The interface never records: its
// choices come back through `decide`.

import { bannerWords, refreshBanner, removeBanner, renderBanner, showReopenControl } from './banner.js';
import { decide } from './decisions.js';
import { ensureCss } from './dom.js';
import { emit, state } from './events.js';
import { buildFile, texts } from './files.js';
import { base, log } from './util.js';

const dialog = () => document.querySelector('[data-assent-ui="preferences"]');
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** Whether an element has a box (not inside a closed `<details>` or `display: none`):
 * what `checkVisibility()` answers, which is newer than the floor (Chrome 105,
 * Safari 17.4). */
const rendered = (element) => element.getClientRects().length > 0;

function loadUi(session) {
  if (!session.uiLoading) {
    session.uiLoading = (async () => {
      const [module, disclosures] = await Promise.all([
        import('./assent_ui.js'), buildFile(session, `disclosures.${session.digest}.json`), ensureCss(session)]);
      await module.default({ module_or_path: new URL('assent_ui_bg.wasm', base) });
      document.addEventListener('keydown', (event) => onKeydown(session, event));
      document.addEventListener('click', (event) => onUiClick(session, event), true);
      const host = document.createElement('div');
      host.id = 'assent-root';
      document.body.appendChild(host);
      module.mount(host, disclosures, session.digest, session.snapshot, 'hidden', {
        choose: (kind, set, method, age) => decide(session, kind, set, method, age),
        language: (tag) => {
          session.snapshot = session.runtime.setLanguage(tag);
          if (session.reopen) showReopenControl(session);
        },
        // Closed without a choice: the banner again while no decision exists.
        close: () => {
          session.wantedView = 'hidden';
          if (session.snapshot.needsDecision) refreshBanner(session);
        },
        // The dialog's download button: the receipt, once its texts are here.
        receipt: () => session.receiptTexts && session.runtime.receipt(session.receiptTexts),
      });
      session.ui = module;
      // The receipt the dialog offers is built synchronously, at the click.
      texts(session).then((t) => { session.receiptTexts = t; }, (error) => log('error', `the receipt texts could not load (${error.message})`));
      return module;
    })();
    session.uiLoading.catch((error) => log('error', 'the interface could not load; nothing more is granted', error));
  }
  return session.uiLoading;
}

export async function show(session, view) {
  // Before the runtime, the view is remembered: boot() shows it once it is ready.
  session.wantedView = view;
  if (!session.snapshot) {
    if (view !== 'banner') removeBanner(session);
    return;
  }
  if (view === 'banner') {
    const words = await Promise.all([bannerWords(session), ensureCss(session)]).catch((error) => {
      log('error', `the banner could not load its words (${error.message}); nothing more is granted`);
    });
    if (!words || session.wantedView !== view) return;
    renderBanner(session, words[0]);
  } else {
    if (!dialog() && !session.opener) session.opener = document.activeElement;
    const module = await loadUi(session);
    if (session.wantedView !== view) return;
    removeBanner(session);
    module.show(view, session.snapshot);
    focusWhenShown();
  }
  emit(session, 'show', { view, state: state(session) });
}

export function hide(session) {
  session.wantedView = 'hidden';
  session.ui?.hide();
  removeBanner(session);
  emit(session, 'hide', { state: state(session) });
}

function focusWhenShown(tries = 0) {
  const shown = dialog();
  if (shown) shown.focus();
  else if (tries < 60) requestAnimationFrame(() => focusWhenShown(tries + 1));
}

function restoreFocus(session) {
  const from = session.opener;
  session.opener = null;
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

function onKeydown(session, event) {
  const shown = dialog();
  if (!shown) return;
  if (event.key === 'Escape') {
    event.preventDefault();
    shown.querySelector('[data-assent-action="close"]')?.click();
    restoreFocus(session);
  } else if (event.key === 'Tab' || event.code === 'Tab') {
    // By its code too: WebKitGTK names Shift+Tab's key (GTK's ISO_Left_Tab)
    // "Unidentified", so a test of `key` alone let Shift+Tab out of the dialog there
    // (tests/engines/scenarios.test.mjs, preferences by keyboard, in WebKit).
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

function onUiClick(session, event) {
  const action = event.target instanceof Element && event.target.closest('#assent-root [data-assent-action]');
  if (!action) return;
  const name = action.dataset.assentAction;
  if (action.closest('[data-assent-ui="preferences"]') && ['close', 'save', 'accept-all', 'reject-all'].includes(name)) {
    restoreFocus(session);
  }
}
