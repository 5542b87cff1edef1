// Assent's just-in-time permission notice, `assent.explain(permission)` (imported by
// the loader only when a page first calls it). Before the page calls the browser's or
// the app's permission prompt, a modal notice shows the permission's configured
// purpose, who asks for it and what refusing costs, with two equally prominent
// buttons; it resolves true (allow) or false (deny, Escape) and removes itself. One
// notice at a time: a call made while one is open waits its turn. A notice is not
// consent: nothing here grants, refuses or records anything; the answer goes to the
// page (and an `explain` event). Configuration text is set with textContent only.

let turn = Promise.resolve();
let shown = 0;
// The loader's element builder (strings become text, never HTML), handed in.
let h;

/** Shows the notice for `text()` (a promise of the runtime's permissionText, read when
 * this call's turn comes, in the language of that moment) once `css` has loaded, built with the
 * loader's `element`. An unknown id rejects and shows nothing. */
export function explain(text, emit, css, element) {
  h = element;
  const answer = turn.then(async () => {
    const notice = await text();
    await css;
    const granted = await ask(notice);
    emit('explain', { permission: notice.id, granted });
    return granted;
  });
  turn = answer.catch((error) => console.error(`assent: explain() was refused: ${error.message}`));
  return answer;
}

function ask(t) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const title = `assent-explain-${++shown}`;
    const button = (answer, label) => h('button', { type: 'button', class: 'assent-button', 'data-assent-action': `explain-${answer}` }, label);
    const deny = button('deny', t.deny);
    const allow = button('allow', t.allow);
    const field = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
    const dialog = h('section', {
      class: 'assent-dialog assent-explain', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': title,
      tabindex: '-1', lang: t.language, 'data-assent-ui': 'explain', 'data-assent-permission': t.id,
    },
    h('div', { class: 'assent-dialog__body' },
      h('h2', { id: title, class: 'assent-dialog__title' }, t.heading),
      h('p', { class: 'assent-note' }, t.intro),
      h('dl', { class: 'assent-fields' },
        ...field(t.purposeLabel, t.purpose),
        ...field(t.requestedByLabel, t.requestedBy),
        ...field(t.refusalLabel, t.refusalConsequence)),
      t.platformNote && h('p', { class: 'assent-note' }, t.platformNote)),
    h('div', { class: 'assent-dialog__actions' }, deny, allow));
    const overlay = h('div', { class: 'assent-overlay assent-overlay--explain' }, dialog);

    const done = (granted) => {
      document.removeEventListener('keydown', onKeydown, true);
      overlay.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(granted);
    };
    // Captured before the preferences dialog's own keys: Escape here is "not now",
    // and Tab cycles through the two buttons only.
    const onKeydown = (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        done(false);
      } else if (event.key === 'Tab' || event.code === 'Tab') {
        // By its code too: WebKitGTK names Shift+Tab's key "Unidentified" (www/loader/dialog.js).
        event.preventDefault();
        event.stopPropagation();
        (document.activeElement === deny ? allow : deny).focus();
      }
    };
    deny.addEventListener('click', () => done(false));
    allow.addEventListener('click', () => done(true));
    document.addEventListener('keydown', onKeydown, true);
    document.body.appendChild(overlay);
    dialog.focus();
  });
}
