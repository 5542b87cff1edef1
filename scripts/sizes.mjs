// Measures every file in dist/, and the compiled files of the seed's build in
// site/<build-id>/ (config.<digest>.json, banner.<lang>.json, disclosures.<digest>.json,
// texts.<digest>.json), raw, gzip -9 and brotli -q 11, writes dist/sizes.json and
// prints a table. The budget check (tests/e2e/sizes.test.mjs) reads the JSON.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { buildId } from './assent-build.mjs';

const dir = new URL('../dist/', import.meta.url);
const site = new URL('../site/', import.meta.url);
const build = buildId(fileURLToPath(site));
const compiled = /^(config|disclosures|texts)\.[0-9a-f]{16}\.json$|^banner\..+\.json$/;
const files = [
  ...readdirSync(dir).filter((name) => name !== 'sizes.json').map((name) => [name, new URL(name, dir)]),
  ...readdirSync(new URL(`${build}/`, site)).filter((name) => compiled.test(name))
    .map((name) => [name, new URL(`${build}/${name}`, site)]),
].sort(([a], [b]) => (a < b ? -1 : 1));
const sizes = {};
for (const [name, url] of files) {
  const bytes = readFileSync(url);
  sizes[name] = {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}
writeFileSync(new URL('sizes.json', dir), JSON.stringify(sizes, null, 2) + '\n');
const kb = (n) => (n / 1024).toFixed(1).padStart(7);
console.log('file                      raw KB  gzip KB  brotli KB');
for (const [name, s] of Object.entries(sizes)) {
  console.log(`${name.padEnd(24)} ${kb(s.raw)} ${kb(s.gzip)} ${kb(s.brotli)}`);
}
