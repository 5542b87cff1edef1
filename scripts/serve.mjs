// A small static server for the demo and the tests. Listens on 127.0.0.1 only, maps
// URL prefixes to folders, compresses with gzip or brotli when the client accepts it
// (as a CDN would), and can log every request so tests can tell what was fetched.
//
//   node scripts/serve.mjs            serves the demo on 127.0.0.1:$PORT (default 8080)
//   import { startServer } from ...   used by the end-to-end tests
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
};

/** The demo's routes: the page at /, the seed's build (site/, scripts/build.sh) under
 * /assent/. */
export const demoRoutes = {
  '/assent/': join(root, 'site'),
  '/demo/': join(root, 'www', 'demo'),
  '/': root,
};

/** The demo's HTML as served: index.html gets the seed build's current snippet
 * (its build id changes with every build; scripts/snippet.mjs). */
export async function demoHtml(file, text) {
  if (file !== join(root, 'index.html')) return text;
  const { inject } = await import('./snippet.mjs');
  return inject(text);
}

/**
 * Starts a server. `routes` maps URL prefixes (longest first wins) to folders;
 * `handler(req, res)` may answer a request first (return true when it did).
 * With `csp`, HTML pages are served as a site with a strict Content Security Policy
 * serves them: a fresh nonce per response on every <script> tag, and the policy
 * Assent documents (no 'unsafe-inline', no 'unsafe-eval').
 * Resolves to { url, requests, close }; `requests` lists every path asked for.
 */
export function strictCsp(nonce) {
  return `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-${nonce}'; ` +
    "style-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'none'; base-uri 'none'";
}

export function startServer({ routes = demoRoutes, port = 0, handler, headers = {}, csp = false, keepAlive = true, html } = {}) {
  const requests = [];
  const prefixes = Object.keys(routes).sort((a, b) => b.length - a.length);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push(url.pathname + url.search);
    try {
      if (handler && (await handler(req, res, url))) return;
      const prefix = prefixes.find((p) => url.pathname.startsWith(p));
      if (!prefix) return notFound(res);
      let relative;
      try {
        relative = decodeURIComponent(url.pathname.slice(prefix.length));
      } catch {
        return answer(res, 400, 'bad percent-encoding'); // URIError: a malformed %-sequence
      }
      if (relative === '' || relative.endsWith('/')) relative += 'index.html';
      // No hidden files or folders (.git/, .env), and no `..`: decoding can turn
      // `..%2f` into a step up that URL parsing never saw. Backslashes count as
      // separators too, as they do on Windows.
      if (relative.split(/[\\/]/).some((segment) => segment.startsWith('.'))) return notFound(res);
      const folder = resolve(routes[prefix]);
      const file = normalize(join(folder, relative));
      // Inside means below the folder itself: a bare prefix test took a sibling that
      // shares the name's start (dist-old beside dist) for inside.
      if (file !== folder && !file.startsWith(folder + sep)) return notFound(res);
      if (!(await stat(file).catch(() => null))?.isFile()) return notFound(res);
      let body = await readFile(file);
      const type = TYPES[extname(file)] || 'application/octet-stream';
      const accepts = req.headers['accept-encoding'] || '';
      const out = { 'content-type': type, 'cache-control': 'no-cache', ...headers };
      // `html(file, text)`: the demo's index.html gets the current snippet.
      if (html && type.startsWith('text/html')) body = Buffer.from(await html(file, body.toString('utf8')));
      if (csp && type.startsWith('text/html')) {
        const nonce = randomBytes(16).toString('base64');
        body = Buffer.from(body.toString('utf8').replaceAll('<script', `<script nonce="${nonce}"`));
        out['content-security-policy'] = strictCsp(nonce);
        out['cache-control'] = 'no-store';
      }
      let payload = body;
      if (body.length > 512 && /^(text|application\/(json|wasm))|svg/.test(type)) {
        out.vary = 'accept-encoding';
        // Compressed once per file version and kept, as a CDN would: compressing on
        // every request would put the server's time into every measurement.
        // A page with a fresh nonce differs every time: it is never cached.
        const version = out['content-security-policy'] ? null : `${file}:${(await stat(file)).mtimeMs}`;
        if (/\bbr\b/.test(accepts)) {
          payload = compressed(version && `br:${version}`, () => brotliCompressSync(body));
          out['content-encoding'] = 'br';
        } else if (/\bgzip\b/.test(accepts)) {
          payload = compressed(version && `gzip:${version}`, () => gzipSync(body, { level: 9 }));
          out['content-encoding'] = 'gzip';
        }
      }
      out['content-length'] = payload.length;
      res.writeHead(200, out);
      res.end(req.method === 'HEAD' ? undefined : payload);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  return new Promise((ready, fail) => {
    server.once('error', fail);
    // A test's server must not keep the test process alive: a failed test that never
    // reached its close() would otherwise hang the run instead of failing it.
    if (!keepAlive) server.unref();
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      ready({
        url: `http://127.0.0.1:${bound}`,
        requests,
        // close() also ends every open connection: server.close() alone waits for
        // the sockets a browser opened ahead of need (preconnect) to time out, which
        // is headersTimeout plus the check interval, about 90 s each.
        close: () => new Promise((done) => {
          server.close(done);
          server.closeAllConnections();
        }),
      });
    });
  });
}

const cache = new Map();
function compressed(key, make) {
  if (!key) return make();
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key);
}

function notFound(res) {
  answer(res, 404, 'not found');
}

function answer(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT || 8080);
  const { url } = await startServer({ port, csp: true, html: demoHtml });
  console.log(`Assent demo: ${url}/  (Ctrl-C to stop)`);
}
