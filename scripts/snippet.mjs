// The <head> snippet a site pastes, as `assent build` wrote it for the seed
// (site/snippet.html, scripts/build.sh): the minified stub inline, with the build's
// folder, the compiled configuration, the policy version and the configuration digest
// on the tag. It must appear in README.md and index.html between the `assent:snippet`
// markers, up to the build id (a folder name that changes with every file of a build:
// the demo server puts the current snippet into index.html as it serves it, `inject`).
//   node scripts/snippet.mjs          print it
//   node scripts/snippet.mjs --write  put it into README.md and index.html
//   node scripts/snippet.mjs --check  fail if either differs (run by the tests and demo)
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');

export function snippet() {
  return read('site/snippet.html').trim();
}

/** The snippet with its build id left out: what README.md and index.html must match. */
const withoutBuildId = (html) => html.replace(/\/assent\/[0-9a-f]{12}\//g, '/assent/<build-id>/');

/** `html` (index.html) with the current snippet in its `assent:snippet` block. */
export function inject(html) {
  return html.replace(BLOCK, (_, open, __, close) => `${open}${snippet()}\n${close}`);
}

/** The CSP hash source of the inline stub, for sites that cannot mint nonces. */
export function stubHash() {
  const stub = read('dist/assent-stub.js').trim();
  return `'sha256-${createHash('sha256').update(stub).digest('base64')}'`;
}

const HASH = /(<!-- assent:stub-hash -->)[^<]*(<!-- \/assent:stub-hash -->)/;

const BLOCK = /(<!-- assent:snippet -->\n)([\s\S]*?)\n?(<!-- \/assent:snippet -->)/;

export function embedded(path) {
  const match = read(path).match(BLOCK);
  if (!match) throw new Error(`${path} has no <!-- assent:snippet --> block`);
  return match[2].replace(/^```html\n|\n```$/g, '');
}

function write(path, fenced) {
  const text = read(path);
  const body = fenced ? '```html\n' + snippet() + '\n```' : snippet();
  if (!BLOCK.test(text)) throw new Error(`${path} has no <!-- assent:snippet --> block`);
  writeFileSync(new URL(path, root), text.replace(BLOCK, (_, open, __, close) => `${open}${body}\n${close}`));
}

const mode = process.argv[2];
if (mode === '--write') {
  write('README.md', true);
  write('index.html', false);
  const readme = read('README.md');
  if (HASH.test(readme)) writeFileSync(new URL('README.md', root), readme.replace(HASH, `$1\`${stubHash()}\`$2`));
} else if (mode === '--check') {
  const want = withoutBuildId(snippet());
  const stale = ['README.md', 'index.html'].filter((path) => withoutBuildId(embedded(path)) !== want);
  if (!read('README.md').includes(`<!-- assent:stub-hash -->\`${stubHash()}\`<!-- /assent:stub-hash -->`)) stale.push('README.md (stub hash)');
  if (stale.length) {
    console.error(`snippet out of date in ${stale.join(', ')}: run node scripts/snippet.mjs --write`);
    process.exit(1);
  }
} else if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  console.log(snippet());
}
