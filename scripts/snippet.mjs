// The <head> snippet a site pastes: the minified stub inline, with the configuration
// URL and the policy version on the tag. It is generated from dist/assent-stub.js and
// config/default.json, and must appear verbatim in README.md and index.html between
// the `assent:snippet` markers.
//   node scripts/snippet.mjs          print it
//   node scripts/snippet.mjs --write  put it into README.md and index.html
//   node scripts/snippet.mjs --check  fail if either differs (run by the tests and demo)
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');

export function snippet() {
  const stub = read('dist/assent-stub.js').trim();
  const { policy, consentMode } = JSON.parse(read('config/default.json'));
  const mode = consentMode ? ' data-consent-mode' : '';
  return `<script data-base="/assent/" data-config="/assent/config.json" data-policy-version="${policy.version}"${mode}>${stub}</script>`;
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
  const want = snippet();
  const stale = ['README.md', 'index.html'].filter((path) => embedded(path) !== want);
  if (!read('README.md').includes(`<!-- assent:stub-hash -->\`${stubHash()}\`<!-- /assent:stub-hash -->`)) stale.push('README.md (stub hash)');
  if (stale.length) {
    console.error(`snippet out of date in ${stale.join(', ')}: run node scripts/snippet.mjs --write`);
    process.exit(1);
  }
} else if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  console.log(snippet());
}
