// Test pages built around the README's snippet, as a site would write them.
import { SMALL, snippetFor } from './harness.mjs';

export { SMALL };

/** A page with the snippet in <head>, `head` after it, and at the end of <body> an
 * inline and an external tag gated on analytics (or `gate`). */
export function gatedPage({ head = '', body = '', gate = 'analytics', lang = 'en', ...options } = {}) {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${snippetFor({ ...SMALL, ...options })}
${head}
</head>
<body>
<h1>Test page</h1>
<p>Some content the banner must not block.</p>
${body}
<script type="text/plain" data-assent="${gate}">
  window.inlineRuns = (window.inlineRuns || 0) + 1;
  window.runOrder = (window.runOrder || []).concat('inline');
</script>
<script type="text/plain" data-assent="${gate}" data-src="/tags/external.js"></script>
</body>
</html>`;
}

/** An inline script to put first in <head>: deletes, before any Assent code runs,
 * every built-in newer than the floor that a script could reach by name, and the DOM
 * members the floor lint lists (tests/e2e/floor.test.mjs, tests/engines/). */
export const STRIP = `<script>
(function () {
  function strip(owner, names) {
    if (!owner) return;
    names.forEach(function (name) { try { delete owner[name]; } catch (e) {} });
  }
  strip(Object, ['hasOwn', 'groupBy']);
  strip(Map, ['groupBy']);
  strip(Promise, ['withResolvers', 'try']);
  strip(Array, ['fromAsync']);
  strip(Array.prototype, ['at', 'findLast', 'findLastIndex', 'toSorted', 'toReversed', 'toSpliced', 'with']);
  strip(String.prototype, ['at', 'replaceAll', 'isWellFormed', 'toWellFormed']);
  strip(Object.getPrototypeOf(Int8Array.prototype), ['at', 'findLast', 'findLastIndex', 'toSorted', 'toReversed', 'with']);
  strip(Set.prototype, ['union', 'intersection', 'difference', 'symmetricDifference', 'isSubsetOf', 'isSupersetOf', 'isDisjointFrom']);
  strip(window.Iterator && Iterator.prototype, ['map', 'filter', 'take', 'drop', 'flatMap', 'reduce', 'toArray', 'forEach', 'some', 'every', 'find']);
  strip(window, ['structuredClone', 'Iterator']);
  strip(AbortSignal, ['timeout', 'any']);
  strip(Crypto.prototype, ['randomUUID']);
  strip(Navigator.prototype, ['locks']);
  strip(Element.prototype, ['checkVisibility', 'ariaLabel']);
  strip(HTMLElement.prototype, ['inert']);
  strip(HTMLInputElement.prototype, ['showPicker']);
  strip(HTMLDialogElement.prototype, ['showModal']);
  window.stripped = typeof Object.hasOwn + typeof [].at + typeof Element.prototype.checkVisibility + typeof structuredClone;
})();
</script>`;
