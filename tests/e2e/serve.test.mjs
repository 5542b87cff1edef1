// The static server of the demo and the tests (scripts/serve.mjs) serves only what is
// inside a route's folder and not hidden: no encoded `../` into a sibling folder whose
// name shares the prefix (dist → dist-old), no dot-folders (.git/), and a malformed
// percent-encoding is a 400, not a crash. No browser: requests go out through
// node:http with the path exactly as written, so no client normalises it first.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startServer } from '../../scripts/serve.mjs';

const SECRET = 'secret-that-must-never-be-served';

/** GET `path` as written (no URL parsing on the client): { status, body }. */
function get(origin, path) {
  const { hostname, port } = new URL(origin);
  return new Promise((done, fail) => {
    const req = request({ host: hostname, port, path, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('scripts/serve.mjs serves only the visible files inside each route', () => {
  let tree, server;
  before(async () => {
    tree = mkdtempSync(join(tmpdir(), 'assent-serve-'));
    const files = {
      'dist/index.html': '<!doctype html><title>index</title>',
      'dist/app.js': 'served();',
      'dist/sub/page.js': 'sub();',
      'dist/.git/config': SECRET,
      'dist/.env': SECRET,
      'dist/sub/.hidden/x.js': SECRET,
      // A sibling whose name starts with the served folder's: `startsWith(folder)`
      // alone took it for inside.
      'dist-old/secret.txt': SECRET,
      'outside.txt': SECRET,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text);
    }
    server = await startServer({ keepAlive: false, routes: { '/assent/': join(tree, 'dist') } });
  });
  after(async () => {
    await server?.close();
    if (tree) rmSync(tree, { recursive: true, force: true });
  });

  it('serves a normal file, and index.html for a folder', async () => {
    assert.deepEqual(await get(server.url, '/assent/app.js'), { status: 200, body: 'served();' });
    assert.deepEqual(await get(server.url, '/assent/sub/page.js'), { status: 200, body: 'sub();' });
    assert.equal((await get(server.url, '/assent/')).status, 200);
    assert.equal((await get(server.url, '/assent/%61pp.js')).body, 'served();', 'percent-encoding is decoded');
  });

  const traversals = {
    'encoded slash after the dots': '/assent/..%2fdist-old/secret.txt',
    'dots and slash all encoded': '/assent/%2e%2e%2fdist-old/secret.txt',
    'upper-case encoding': '/assent/%2E%2E%2Fdist-old/secret.txt',
    'encoded dots, plain slash (URL parsing resolves them)': '/assent/%2e%2e/dist-old/secret.txt',
    'plain dots': '/assent/../dist-old/secret.txt',
    'double-encoded': '/assent/%252e%252e%252fdist-old/secret.txt',
    'double-encoded slash only': '/assent/..%252fdist-old/secret.txt',
    'encoded backslash': '/assent/..%5cdist-old%5csecret.txt',
    'plain backslash': '/assent/..\\dist-old\\secret.txt',
    'two levels up, encoded': '/assent/sub%2f..%2f..%2foutside.txt',
    'up from a subfolder into the sibling': '/assent/sub/..%2f..%2fdist-old/secret.txt',
  };
  for (const [name, path] of Object.entries(traversals)) {
    it(`refuses a traversal: ${name}`, async () => {
      const { status, body } = await get(server.url, path);
      assert.equal(status, 404, path);
      assert.ok(!body.includes(SECRET), path);
    });
  }

  const hidden = {
    'a .git folder': '/assent/.git/config',
    'a .git folder, encoded dot': '/assent/%2egit/config',
    'a dotfile': '/assent/.env',
    'a dot-folder below a folder': '/assent/sub/.hidden/x.js',
    'a dot-folder reached through dots': '/assent/sub/..%2f.git/config',
  };
  for (const [name, path] of Object.entries(hidden)) {
    it(`refuses ${name}`, async () => {
      const { status, body } = await get(server.url, path);
      assert.equal(status, 404, path);
      assert.ok(!body.includes(SECRET), path);
    });
  }

  it('answers a malformed percent-encoding with 400 and keeps serving', async () => {
    for (const path of ['/assent/%', '/assent/%zz.js', '/assent/%E0%A4%A.js', '/assent/%C0%AF']) {
      const { status, body } = await get(server.url, path);
      assert.equal(status, 400, path);
      assert.ok(!body.includes('URIError'), `${path}: no error text`);
    }
    assert.equal((await get(server.url, '/assent/app.js')).status, 200);
  });
});
