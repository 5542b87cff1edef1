// One owner for each of Assent's own storage keys (`assent`, `assent.history`,
// `assent.outbox`, `assent.baseline`, `assent.lang`): the runtime WebAssembly
// (crates/runtime/src/storage.rs) writes them all. The JavaScript around it may read
// the record and the language switch before the runtime has started (the stub, the
// loader), but writes none of them: no shipped module calls setItem, and the one
// removeItem (withdrawal clearing the site's own keys) skips every `assent` key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const www = fileURLToPath(new URL('../../www/', import.meta.url));
const sources = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
  entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : []);
const code = (file) => readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line));

describe("Assent's own storage keys", () => {
  it('are written by the runtime alone: no JavaScript module stores anything', () => {
    for (const file of sources(www)) {
      assert.deepEqual(code(file).filter((line) => /\.setItem\s*\(|\.clear\s*\(\s*\)/.test(line)), [], file);
    }
  });

  it('are never removed by JavaScript: the only removeItem skips every assent key', () => {
    const removals = sources(www).flatMap((file) => code(file).filter((line) => /\.removeItem\s*\(/.test(line)).map((line) => [file, line]));
    assert.equal(removals.length, 1, removals.map(([f, l]) => `${f}: ${l}`).join('\n'));
    const [[file, line]] = removals;
    assert.ok(file.endsWith('withdrawal.js'), file);
    assert.match(line, /!\/\^assent\(\\\.\|\$\)\/\.test\(key\)/);
  });
});
