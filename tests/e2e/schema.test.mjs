// The JSON Schema editors see (docs/config.schema.json) against the parser, on the
// same fixtures: what the parser accepts the schema accepts, and each case of
// tests/fixtures/invalid-configs.json (every one refused by the parser, checked by
// tests/config.rs) says what the schema makes of it: `refuses` (a wrong type, a
// missing required field, an unknown field, a null), `not JSON`, or `accepts: ...`
// with the check only the parser makes, listed in docs/config-format.md. A case that
// does not say fails here, so none is skipped silently. No browser.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { patched } from '../fixtures/patch.mjs';

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const schema = JSON.parse(read('docs/config.schema.json'));
const small = JSON.parse(read('tests/fixtures/small-config.json'));
const seed = JSON.parse(read('config/default.json'));
const { cases } = JSON.parse(read('tests/fixtures/invalid-configs.json'));
const formatDoc = read('docs/config-format.md');

// Strict: a keyword Ajv does not know fails the compile instead of being ignored.
// schemars marks integers with `uint8`/`uint32` formats, annotations only (the
// ranges are `minimum`/`maximum`), so they are declared as always valid.
const ajv = new Ajv2020({ strict: true, allErrors: true, formats: { uint8: true, uint32: true } });
const validate = ajv.compile(schema);

function errorsOf(value) {
  return validate(value) ? [] : validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
}

function textOf(c) {
  if (c.text?.startsWith('SIZE:')) return ' '.repeat(Number(c.text.slice(5)));
  if (c.text?.startsWith('NEST:')) {
    const depth = Number(c.text.slice(5));
    return '['.repeat(depth) + ']'.repeat(depth);
  }
  return typeof c.text === 'string' ? c.text : patched(small, c.patch, c.nulls);
}

describe('docs/config.schema.json agrees with the parser', () => {
  const valid = {
    'tests/fixtures/small-config.json': small,
    'config/default.json': seed,
    'the small configuration with a top-level $schema': { $schema: './config.schema.json', ...small },
    'the seed with a top-level $schema': { $schema: 'https://example.com/config.schema.json', ...seed },
  };
  for (const [name, config] of Object.entries(valid)) {
    it(`accepts what the parser accepts: ${name}`, () => {
      assert.deepEqual(errorsOf(config), []);
    });
  }

  it('has no nullable field: an optional field is left out', () => {
    assert.doesNotMatch(JSON.stringify(schema), /"null"/);
  });

  it('every invalid fixture says what the schema makes of it', () => {
    for (const c of cases) {
      assert.match(String(c.schema), /^(refuses|not JSON|accepts: .+)$/, c.name);
      assert.ok(c.expect.length > 0, `${c.name}: the parser refuses it`);
    }
  });

  for (const c of cases) {
    it(`${c.schema}: ${c.name}`, () => {
      const text = textOf(c);
      if (c.schema === 'not JSON') {
        assert.throws(() => JSON.parse(text), SyntaxError);
        return;
      }
      const errors = errorsOf(JSON.parse(text));
      if (c.schema === 'refuses') {
        assert.notDeepEqual(errors, [], 'the schema accepts what the parser refuses');
      } else {
        const beyond = c.schema.slice('accepts: '.length);
        assert.deepEqual(errors, [], 'the schema now refuses it: say "refuses" in the fixture');
        assert.ok(formatDoc.includes(`- ${beyond}`), `docs/config-format.md lists "${beyond}"`);
      }
    });
  }
});
