// Assent loader: the first layer. The banner, rendered here from the build's words
// (`banner.<lang>.json`) and, on a re-consent, the runtime's list of what changed
// (`bannerChanges`), so that a first visit shows it without the interface module: a bar at
// the bottom of the page (not a wall: the page stays usable) with reject all, accept
// all and customise, all the same size, the re-consent list when that is why it shows,
// and the language switch; its clicks; the scroll padding and focus guard that keep
// the focused element clear of it; and the reopen control once a decision exists.
// Configuration text is set as text only. The banner's buttons record through
// `decide`; nothing here records or grants by itself.

import { decide } from './decisions.js';
import { show } from './dialog.js';
import { ensureCss, h } from './dom.js';
import { buildFile } from './files.js';
import { deadline, log } from './util.js';

/** The banner's words in the session's language (`banner.<lang>.json`). A file that
 * did not arrive (a server error, a body cut off) is asked once more, then the other
 * language's is taken: a banner the visitor can switch asks, where none would leave
 * them no way to choose. A file that arrived but is not this build's is refused
 * outright. All within one `data-timeout`. */
export function bannerWords(session) {
  const words = (tag) => buildFile(session, `banner.${tag}.json`).then((file) => {
    if (file.language !== tag) throw Object.assign(new Error(`banner.${tag}.json holds the words of ${file.language}`), { foreign: true });
    return file;
  });
  const { language } = session;
  const other = language === 'en' ? 'zh-CN' : 'en';
  const name = `banner.${language}.json`;
  const unlessForeign = (next) => (error) => (error.foreign ? Promise.reject(error) : next(error));
  return Promise.race([
    words(language).catch(unlessForeign(() => words(language))).catch(unlessForeign((error) => {
      log('warn', `${name} did not load (${error.message}); the banner shows in ${other}`);
      return words(other);
    })),
    deadline(session.timeout, name),
  ]);
}

/** The banner before the runtime (a first visit): shown once its words and the CSS
 * are here, unless the runtime got there first or the page asked for another view. */
export async function showEarlyBanner(session) {
  try {
    const [words] = await Promise.all([bannerWords(session), ensureCss(session)]);
    if (!session.runtime && !session.early && !session.banner && session.wantedView === undefined) renderBanner(session, words);
  } catch {
    // The runtime's banner follows (or its failure is reported): nothing to add here.
  }
}

/** Renders the banner again in the session's language (after a switch, or when the
 * dialog closes without a choice). */
export function refreshBanner(session) {
  return bannerWords(session).then((words) => renderBanner(session, words),
    (error) => log('error', `the banner could not load its words (${error.message})`));
}

export function renderBanner(session, words) {
  // The GPC note only when GPC refused something; on a re-consent, the runtime's
  // words and list replace the first visit's (its separateNote is null).
  const t = (session.bannerText = {
    ...words, gpcNote: session.snapshot?.gpcHonoured ? words.gpcNote : null, ...session.runtime?.bannerChanges(),
  });
  const button = (action, label, extra = '') =>
    h('button', { type: 'button', class: `assent-button${extra}`, 'data-assent-action': action }, label);
  const next = h('section', {
    class: 'assent-banner', 'data-assent-ui': 'banner', role: 'region',
    'aria-labelledby': 'assent-banner-title', lang: t.language,
  },
  h('div', { class: 'assent-banner__text' },
    h('h2', { id: 'assent-banner-title', class: 'assent-banner__title' }, t.title),
    // The policy's own page, when it has one (`policy.links.policy`); else no link, not
    // a link to another page.
    h('p', { class: 'assent-banner__body' }, t.policyUrl ? `${t.body} ` : t.body,
      t.policyUrl && h('a', { href: t.policyUrl, target: '_blank', rel: 'noopener noreferrer' }, t.policyTitle)),
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
  next.addEventListener('click', (event) => onBannerClick(session, event));
  // The words the language switch shows, fetched ahead so the switch is immediate.
  buildFile(session, `banner.${t.switchTo}.json`).catch(() => {});
  if (session.banner?.isConnected) session.banner.replaceWith(next);
  else document.body.appendChild(next);
  session.banner = next;
  keepFocusVisible(session, next);
}

export function removeBanner(session) {
  session.banner?.remove();
  session.banner = null;
}

function onBannerClick(session, event) {
  const action = event.target instanceof Element && event.target.closest('[data-assent-action]');
  if (!action) return;
  const name = action.dataset.assentAction;
  if (name === 'accept-all' || name === 'reject-all') {
    const set = session.bannerText[name];
    if (session.runtime) {
      try {
        decide(session, set ? 'set' : name, set, 'banner');
      } catch (error) {
        log('error', `the choice could not be recorded: ${error.message}`);
      }
    } else {
      // Before the runtime: the banner closes, and boot() records the choice once
      // the runtime is ready (an early banner never has a re-consent set).
      session.early = name;
      removeBanner(session);
    }
  } else if (name === 'customise') {
    session.opener = action;
    show(session, 'preferences');
  } else if (name === 'language') {
    const focused = document.activeElement === action;
    session.language = session.bannerText.switchTo;
    if (session.runtime) {
      session.snapshot = session.runtime.setLanguage(session.language);
      // Relabelled when it is there; a switch is no decision, so it is not added.
      if (session.reopen) showReopenControl(session);
    } else session.switched = true;
    refreshBanner(session).then(() => {
      if (focused) session.banner?.querySelector('[data-assent-action="language"]').focus();
    });
  }
}

// The banner covers the bottom of the viewport: scroll padding keeps the element that
// has focus above it (WCAG 2.4.11). Set through the CSSOM, allowed under a strict CSP.
function keepFocusVisible(session, banner) {
  session.bannerSize?.disconnect();
  const bannerSize = (session.bannerSize = new ResizeObserver(() => {
    const height = banner.isConnected ? banner.getBoundingClientRect().height : 0;
    document.documentElement.style.setProperty('--assent-banner-height', `${Math.ceil(height)}px`);
    if (!banner.isConnected) bannerSize.disconnect();
  }));
  bannerSize.observe(banner);
  if (!session.focusGuard) {
    // Browsers skip scrolling for an element that is partly in view, even behind the
    // banner: scroll it clear (block 'nearest' honours the scroll padding).
    session.focusGuard = (event) => {
      // The banner on screen now: a language switch renders a new element.
      const shown = session.banner;
      const target = event.target;
      if (!shown || !(target instanceof Element) || shown.contains(target)) return;
      if (target.getBoundingClientRect().bottom > shown.getBoundingClientRect().top) {
        target.scrollIntoView({ block: 'nearest' });
      }
    };
    document.addEventListener('focusin', session.focusGuard);
  }
}

/** The small button that reopens the preferences once a decision exists. */
export function showReopenControl(session) {
  let { reopen } = session;
  if (!reopen) {
    ensureCss(session);
    reopen = session.reopen = document.createElement('button');
    reopen.type = 'button';
    reopen.className = 'assent-reopen';
    reopen.dataset.assentAction = 'preferences';
    reopen.addEventListener('click', () => show(session, 'preferences'));
    document.body.appendChild(reopen);
  }
  reopen.textContent = session.snapshot.reopenLabel;
  reopen.lang = session.snapshot.language;
}
