// `assent build` from JavaScript, for the tests, the bench and the size report: the
// native CLI that scripts/build.sh built (target/debug/assent), and how a build's
// output is laid out (docs/build-format.md). The CLI is the one compiler; this only
// runs it and finds its files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The versioned folder's name inside an output folder (one build per folder). */
export function buildId(out) {
  return readdirSync(out).find((name) => /^[0-9a-f]{12}$/.test(name));
}

/**
 * Builds a configuration (JSON text) into a new temporary folder: `assets` is the
 * static files' folder, or none (only the compiled files are written). Returns
 * `{ dir, out, id }`: the temporary folder (the caller removes it), the output folder
 * and the build id. An invalid configuration throws with the CLI's list of problems.
 */
export function buildConfig(text, { assets } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'assent-build-'));
  writeFileSync(join(dir, 'config.json'), text);
  const out = join(dir, 'out');
  const run = spawnSync(join(root, 'target', 'debug', 'assent'),
    ['build', join(dir, 'config.json'), '--out', out, '--assets', assets ?? join(dir, 'no-assets')],
    { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`assent build refused the configuration:\n${run.stderr}`);
  return { dir, out, id: buildId(out) };
}

/** The snippet a build printed (`snippet.html` beside its folder). */
export const snippetOf = (out) => readFileSync(join(out, 'snippet.html'), 'utf8').trim();
