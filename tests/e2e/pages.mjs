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
