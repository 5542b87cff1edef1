// Consent-log server benchmark (issue 19): assent-server's optimised build on
// 127.0.0.1, CLIENTS concurrent clients posting consent events for SECONDS after a
// WARMUP, on SQLite and on a throw-away PostgreSQL (Debian's package: initdb into a
// temporary folder, as root through `su postgres`, stopped by its process id), with
// the durability the server insists on (SQLite WAL and synchronous=FULL; PostgreSQL
// fsync and synchronous_commit on). It prints sustained events per second and the
// commit latency p50/p99 measured at the server (the writer's own histogram, read
// from /metrics before and after the measured window), beside the clients' own
// request latency, and writes bench/results/server.json. A benchmark, not a test: it
// asserts no time; it exits non-zero only when an acknowledged event is missing
// afterwards or the chain does not verify.
//
//   cargo build --profile server -p assent-server
//   node bench/server.mjs [--seconds 60] [--warmup 10] [--clients 64] [--engines sqlite,postgres]
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const SECONDS = Number(option('seconds', 60));
const WARMUP = Number(option('warmup', 10));
const CLIENTS = Number(option('clients', 64));
const ENGINES = String(option('engines', 'sqlite,postgres')).split(',');
if (!(SECONDS > 0) || !(WARMUP >= 0) || !(CLIENTS >= 1) || !ENGINES.every((e) => e === 'sqlite' || e === 'postgres')) {
  console.error('usage: node bench/server.mjs [--seconds N] [--warmup N] [--clients N] [--engines sqlite,postgres]');
  process.exit(2);
}
const binary = path.join(root, 'target', 'server', 'assent-server');
if (!existsSync(binary)) {
  console.error(`no ${binary}: build it first with cargo build --profile server -p assent-server`);
  process.exit(2);
}
const template = JSON.parse(readFileSync(path.join(root, 'tests', 'fixtures', 'events.json'), 'utf8'))[0];

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A throw-away PostgreSQL on 127.0.0.1; `stop()` ends it by its process id. */
async function startPostgres() {
  const versions = readdirSync('/usr/lib/postgresql')
    .filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))
    .sort((a, b) => Number(a) - Number(b));
  if (versions.length === 0) throw new Error('PostgreSQL is not installed (scripts/setup.sh installs it)');
  const bin = `/usr/lib/postgresql/${versions.at(-1)}/bin`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'assent-bench-pg-'));
  const isRoot = process.getuid() === 0;
  if (isRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const port = await freePort();
  const options = `-k ${dir} -h 127.0.0.1 -p ${port} -c fsync=on -c synchronous_commit=on -c max_connections=50`;
  const script =
    `'${bin}/initdb' -D '${dir}/data' -A trust -U assent -N -E UTF8 --locale=C >/dev/null && ` +
    `'${bin}/pg_ctl' -D '${dir}/data' -o '${options}' -l '${dir}/log' -w -t 60 start >/dev/null`;
  if (isRoot) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', script], { stdio: 'inherit' });
  else execFileSync('/bin/sh', ['-c', script], { stdio: 'inherit' });
  const pid = Number(readFileSync(`${dir}/data/postmaster.pid`, 'utf8').split('\n')[0]);
  return {
    url: `postgres://assent@127.0.0.1:${port}/postgres`,
    version: versions.at(-1),
    async stop() {
      process.kill(pid, 'SIGINT'); // PostgreSQL's fast shutdown
      for (let i = 0; i < 1500 && existsSync(`${dir}/data/postmaster.pid`); i++) await sleep(20);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The server on a free port; resolves once it logs its address. */
async function startServer(databaseUrl) {
  const port = await freePort();
  const child = spawn(binary, [], {
    env: {
      PATH: process.env.PATH,
      ASSENT_LISTEN: `127.0.0.1:${port}`,
      DATABASE_URL: databaseUrl,
      ASSENT_RATE_LIMIT: '4000000000',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      log += chunk;
      if (log.includes('"listen"')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${log}`)));
  });
  return {
    port,
    async stop() {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function request(agent, port, method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The commit histogram's cumulative buckets and count from /metrics. */
async function commitHistogram(agent, port) {
  const { text } = await request(agent, port, 'GET', '/metrics');
  const buckets = [];
  let count = 0;
  for (const line of text.split('\n')) {
    const bucket = line.match(/^assent_commit_seconds_bucket\{le="([^"]+)"\} (\S+)/);
    if (bucket) buckets.push([bucket[1] === '+Inf' ? Infinity : Number(bucket[1]), Number(bucket[2])]);
    const total = line.match(/^assent_commit_seconds_count (\S+)/);
    if (total) count = Number(total[1]);
  }
  const stored = Number(text.match(/^assent_events_stored_total (\S+)/m)?.[1] ?? 0);
  return { buckets, count, stored };
}

/** A quantile of the commits between two snapshots, interpolated within its bucket
 * as Prometheus's histogram_quantile does. */
function quantile(before, after, q) {
  const deltas = after.buckets.map(([le, n], i) => [le, n - before.buckets[i][1]]);
  const total = deltas.at(-1)[1];
  if (total === 0) return NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, n] of deltas) {
    if (n >= rank) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(n - below, 1);
    }
    lower = le;
    below = n;
  }
  return NaN;
}

const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function run(engine) {
  const postgres = engine === 'postgres' ? await startPostgres() : null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'assent-bench-'));
  const databaseUrl = postgres ? postgres.url : `sqlite://${dir}/log.db`;
  const server = await startServer(databaseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const acknowledged = { total: 0, measured: 0 };
  const latencies = [];
  let phase = 'warmup';
  let failures = 0;
  const loops = Array.from({ length: CLIENTS }, async (_, client) => {
    for (let i = 0; phase !== 'done'; i++) {
      const body = JSON.stringify({ ...template, eventId: `bench-${client}-${i}` });
      const started = performance.now();
      const { status } = await request(agent, server.port, 'POST', '/events', body);
      if (status !== 201) {
        failures++;
        continue;
      }
      acknowledged.total++;
      if (phase === 'measure') {
        acknowledged.measured++;
        latencies.push(performance.now() - started);
      }
    }
  });
  await sleep(WARMUP * 1000);
  const before = await commitHistogram(agent, server.port);
  const load = os.loadavg()[0];
  phase = 'measure';
  const started = performance.now();
  await sleep(SECONDS * 1000);
  const after = await commitHistogram(agent, server.port);
  const elapsed = (performance.now() - started) / 1000;
  phase = 'done';
  await Promise.all(loops);
  agent.destroy();
  const exitCode = await server.stop();
  // Afterwards: every acknowledged event is in the chain, and the chain holds.
  const verify = execFileSync(binary, ['verify'], { env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const inChain = Number(verify.match(/chain intact: (\d+) events/)?.[1] ?? -1);
  if (postgres) await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const stored = after.stored - before.stored;
  return {
    engine: postgres ? `PostgreSQL ${postgres.version}` : 'SQLite',
    eventsPerSecond: Math.round(stored / elapsed),
    stored,
    batches: after.count - before.count,
    eventsPerBatch: Math.round((10 * stored) / Math.max(after.count - before.count, 1)) / 10,
    commitMs: { p50: 1000 * quantile(before, after, 0.5), p99: 1000 * quantile(before, after, 0.99) },
    requestMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
    loadAverage: Math.round(100 * load) / 100,
    acknowledged: acknowledged.total,
    inChain,
    refusedOrFailed: failures,
    serverExit: exitCode,
  };
}

const results = [];
for (const engine of ENGINES) results.push(await run(engine));
const cpu = os.cpus();
console.log(`assent-server, ${CLIENTS} clients, ${SECONDS} s after ${WARMUP} s of warm-up; ${cpu.length} × ${cpu[0]?.model}`);
console.log('| engine | events/s | commit p50 / p99 (server) | request p50 / p99 (client) | events per batch | load average |');
console.log('|---|---|---|---|---|---|');
const ms = (n) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '-');
for (const r of results) {
  console.log(
    `| ${r.engine} | ${r.eventsPerSecond} | ${ms(r.commitMs.p50)} / ${ms(r.commitMs.p99)} ms | ${ms(r.requestMs.p50)} / ${ms(r.requestMs.p99)} ms | ${r.eventsPerBatch} | ${r.loadAverage} |`,
  );
}
mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  path.join(root, 'bench', 'results', 'server.json'),
  JSON.stringify({ at: new Date().toISOString(), clients: CLIENTS, seconds: SECONDS, warmup: WARMUP, cpus: cpu.length, results }, null, 2) + '\n',
);
let broken = false;
for (const r of results) {
  if (r.inChain !== r.acknowledged || r.serverExit !== 0) {
    console.error(`${r.engine}: ${r.acknowledged} acknowledged, ${r.inChain} in an intact chain, exit ${r.serverExit}`);
    broken = true;
  }
}
process.exit(broken ? 1 : 0);
