// Writes the fuzzers' seed corpora and dictionaries into OUT_DIR, generated from the
// files the project already keeps, so nothing is duplicated and the seeds follow
// every change to them:
//   config/    config/default.json, whole, minified and cut short at several points;
//              tests/fixtures/small-config.json; every case of
//              tests/fixtures/invalid-configs.json, applied to its base
//   record/    every stored value of tests/fixtures/record-vectors.json
//   decision/  the same values behind a few choices (three control bytes, see
//              fuzz/fuzz_targets/decision.rs)
//   compiled/  the compiled runtime configurations `assent build` writes for
//              config/default.json and tests/fixtures/small-config.json, and the small
//              one with each structural fault of tests/rules.rs
//   config.dict, record.dict   libFuzzer dictionaries: JSON tokens, every field name
//              and enumerated value of docs/config.schema.json, the record's fields
// Usage: node fuzz/seeds.mjs OUT_DIR
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patched } from '../tests/fixtures/patch.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2];
if (!out) {
  console.error('usage: node fuzz/seeds.mjs OUT_DIR');
  process.exit(2);
}
const read = (path) => readFileSync(join(root, path), 'utf8');

// Inputs past the fuzzers' -max_len (scripts/fuzz.sh) would be cut by libFuzzer;
// the size limits themselves are checked by the targets and by tests/config.rs.
const MAX_SEED_BYTES = 256 * 1024;

function writeCorpus(name, seeds) {
  const dir = join(out, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const seed of seeds) {
    const bytes = Buffer.isBuffer(seed) ? seed : Buffer.from(seed, 'utf8');
    if (bytes.length > MAX_SEED_BYTES) continue;
    writeFileSync(join(dir, `seed-${String(n++).padStart(3, '0')}`), bytes);
  }
  return n;
}

const defaultText = read('config/default.json');
const smallText = read('tests/fixtures/small-config.json');
const small = JSON.parse(smallText);
const configSeeds = [
  defaultText,
  JSON.stringify(JSON.parse(defaultText)),
  smallText,
  JSON.stringify(small),
  ...[64, 1024, 16 * 1024, 64 * 1024, 160 * 1024].map((cut) => defaultText.slice(0, cut)),
];
for (const c of JSON.parse(read('tests/fixtures/invalid-configs.json')).cases) {
  if (c.text?.startsWith('SIZE:')) continue; // over -max_len; see above
  if (c.text?.startsWith('NEST:')) {
    configSeeds.push('['.repeat(200) + ']'.repeat(200));
  } else if (typeof c.text === 'string') {
    configSeeds.push(c.text);
  } else {
    configSeeds.push(patched(small, c.patch, c.nulls));
  }
}

const vectors = JSON.parse(read('tests/fixtures/record-vectors.json'));
const recordSeeds = vectors.map((v) => v.stored).filter((s) => typeof s === 'string');
// Near the length limit: a valid record with a 65 000-character consent id, which a
// decision must not carry into a record too long to count (tests/record_limits.rs).
const nearLimit = JSON.parse(vectors.find((v) => v.expect === 'valid').stored);
nearLimit.consentId = 'x'.repeat(65000);
recordSeeds.push(JSON.stringify(nearLimit));
// Accept all, reject all, set (four purposes on, two off) with GPC, a set naming an
// unknown id: one of each in front of every stored value.
const choices = [[0, 0, 0], [2, 0, 0], [5, 0x3f, 0x0f], [0x14, 0x01, 0x01]];
const decisionSeeds = recordSeeds.flatMap((stored) =>
  choices.map((c) => Buffer.concat([Buffer.from(c), Buffer.from(stored, 'utf8')])));

// Dictionaries: one quoted token a line, in libFuzzer's syntax.
const schema = JSON.parse(read('docs/config.schema.json'));
const names = new Set();
const values = new Set();
(function walk(node) {
  if (Array.isArray(node)) return node.forEach(walk);
  if (!node || typeof node !== 'object') return;
  if (node.properties && typeof node.properties === 'object') {
    for (const k of Object.keys(node.properties)) names.add(k);
  }
  for (const e of node.enum ?? []) if (typeof e === 'string') values.add(e);
  if (typeof node.const === 'string') values.add(node.const);
  Object.values(node).forEach(walk);
})(schema);
const json = ['{', '}', '[', ']', ':', ',', 'true', 'false', 'null', '""', '0', '-1', '1e9',
  '0.5', '\\u0000', '\\ud800', '\\"', '\\\\', ' ', '\\n'];
const quote = (s) => `"${[...Buffer.from(s, 'utf8')].map((b) =>
  b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c ? `\\x${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b)).join('')}"`;
const dict = (tokens) => [...new Set(tokens)].map(quote).join('\n') + '\n';
const configDict = dict([...json, ...[...names].map((n) => `"${n}"`), ...[...values].map((v) => `"${v}"`),
  'https://', 'mailto:', 'javascript:', '"2026-01-01"']);
const recordDict = dict([...json, ...['schema', 'policyVersion', 'consentId', 'createdAt', 'updatedAt',
  'expiresAt', 'language', 'method', 'gpc', 'decisions', 'banner', 'preferences', 'api', 'placeholder',
  'native', 'zh-CN', 'en', '2021-04-30'].map((s) => `"${s}"`), '9007199254740991', '9007199254740992',
  '1700000000000']);

// The compiled files come from `assent build` itself, so they are exactly what the
// runtime will read. Built without the fuzzers' instrumentation (scripts/fuzz.sh
// exports it for the targets) into the main target folder.
function compiledOf(configPath) {
  const work = mkdtempSync(join(tmpdir(), 'assent-seeds-'));
  try {
    const env = { ...process.env };
    delete env.RUSTFLAGS;
    delete env.CARGO_TARGET_DIR;
    execFileSync('cargo', ['run', '--quiet', '--manifest-path', join(root, 'Cargo.toml'), '--bin', 'assent',
      '--', 'build', join(root, configPath), '--out', join(work, 'site'), '--assets', join(work, 'none')],
    { env, stdio: ['ignore', 'ignore', 'ignore'] });
    const [id] = readdirSync(join(work, 'site')).filter((name) => /^[0-9a-f]{12}$/.test(name));
    const [file] = readdirSync(join(work, 'site', id)).filter((name) => /^config\..*\.json$/.test(name));
    return readFileSync(join(work, 'site', id, file), 'utf8');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
const compiledSeeds = [];
try {
  const seedCompiled = compiledOf('config/default.json');
  const smallCompiled = compiledOf('tests/fixtures/small-config.json');
  const small = JSON.parse(smallCompiled);
  const edited = (edit) => {
    const doc = structuredClone(small);
    edit(doc);
    return JSON.stringify(doc);
  };
  compiledSeeds.push(seedCompiled, smallCompiled, JSON.stringify(JSON.parse(seedCompiled), null, 1),
    edited((c) => { c.format = 2; }),
    edited((c) => { c.thirdParties[1].purposes[1] = 'gone'; }),
    edited((c) => { c.thirdParties[0].purposes = []; }),
    edited((c) => { c.storageKeys.gone = ['_x']; }),
    edited((c) => { c.storageKeys.analytics = ['_a', 'assent']; }),
    edited((c) => { c.consentMode = { ad_storage: ['marketing', 'gone'] }; }),
    edited((c) => { c.purposes[2].id = 'analytics'; }),
    edited((c) => { delete c.names.en; }),
    edited((c) => { c.languages = ['zh-CN']; }),
    edited((c) => { c.purposes[1].dataItems = ['unnamed']; }));
} catch (error) {
  console.warn(`seeds: no compiled seeds (assent build failed: ${error.message.split('\n')[0]})`);
}

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'config.dict'), configDict);
writeFileSync(join(out, 'record.dict'), recordDict);
const counts = {
  config: writeCorpus('config', configSeeds),
  record: writeCorpus('record', recordSeeds),
  decision: writeCorpus('decision', decisionSeeds),
  compiled: writeCorpus('compiled', compiledSeeds),
};
console.log(`seeds: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
