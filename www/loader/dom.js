// Assent loader: building elements and the stylesheet. `h()` creates elements from
// attributes and children, strings always as text, never as HTML; `ensureCss()` is
// the one place the loader adds `assent.css` to the page (once per page view). Nothing
// here decides what to show or where: the banner, the dialog and the gating modules
// insert what they build.

import { base, wait } from './util.js';

/** Creates an element with attributes and children (strings become text, never HTML). */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children.filter((child) => child != null));
  return element;
}

/** Resolves once `element` (a script or stylesheet) has loaded or failed to. */
export function loaded(element) {
  return new Promise((done) => {
    element.addEventListener('load', done, { once: true });
    element.addEventListener('error', done, { once: true });
  });
}

/** The stylesheet, added once; resolves when it has loaded (or failed to), or after
 * the loader's timeout: then what needs it shows without it, as plain semantic
 * elements, still operable. */
export function ensureCss(session) {
  if (!session.cssLoaded) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL('assent.css', base).href;
    session.cssLoaded = Promise.race([loaded(link), wait(session.timeout)]);
    document.head.appendChild(link);
  }
  return session.cssLoaded;
}
