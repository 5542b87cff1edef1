// Measures every file in dist/ raw, gzip -9 and brotli -q 11, writes dist/sizes.json
// and prints a table. The budget check (tests/e2e/sizes.test.mjs) reads the JSON.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const dir = new URL('../dist/', import.meta.url);
const sizes = {};
for (const name of readdirSync(dir).sort()) {
  if (name === 'sizes.json') continue;
  const bytes = readFileSync(new URL(name, dir));
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
