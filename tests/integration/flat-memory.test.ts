// Flat memory with the real k6 and the real Prometheus (docs/flat-memory.md): `npm start` chooses it for
// PROFILE=soak and says what a run that keeps its samples will hold; its counts equal the target's own;
// a breached budget exits 99; a runner that cannot push its samples makes the verdict an error.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDistributed } from '../../cli/distributed/coordinator.ts';
import { usePrometheus, type Prometheus } from '../../cli/distributed/prometheus.ts';
import { startSandboxProcess, type SandboxProcess } from '../../cli/sandbox-process.ts';
import { exitCodeOf } from '../../lib/verdict/report-data.ts';
import { FAST, sandboxStats } from '../helpers/k6.ts';
import { needing } from '../helpers/system.ts';

const { test, before, after } = needing('prometheus');

const BENCH_SCRIPT = resolve('bench/soak-memory/script.js');

let sandbox: SandboxProcess;
let prom: Prometheus;
let target: { url: string; count: () => Promise<number>; child: ChildProcess };
let reportsRoot: string;
const cliReports: string[] = [];

before(async () => {
  sandbox = await startSandboxProcess();
  prom = await usePrometheus({});
  reportsRoot = mkdtempSync(join(tmpdir(), 'paykit-flat-'));
  // The bench's counting target: its count is the exact figure the verdict must equal.
  const child = spawn(process.execPath, ['bench/soak-memory/target.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((r) => child.stdout!.once('data', (b: Buffer) => r(Number(b.toString().trim()))));
  const url = `http://127.0.0.1:${port}`;
  target = { url, child, count: async () => Number(await (await fetch(`${url}/__count`)).text()) };
});
after(async () => {
  target?.child.kill();
  await prom?.stop();
  await sandbox?.stop();
  if (reportsRoot) rmSync(reportsRoot, { recursive: true, force: true });
  for (const d of cliReports) rmSync(d, { recursive: true, force: true });
});

/** `npm start` as a user runs it; the report directory it names is removed after the tests. */
async function npmStart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; dir: string | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/run.ts', 'payment'], { env: { ...process.env, ...FAST, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  const dir = /^\s+(reports\/payment-[^/\s]+)\/summary\.json$/m.exec(out)?.[1] ?? null;
  if (dir) cliReports.push(resolve(dir));
  return { code, out, dir };
}

test('npm start with PROFILE=soak runs in flat memory: one runner keeps no summary, the report counts what the sandbox stored', async () => {
  const before = await sandboxStats(sandbox.paymentUrl);
  const run = await npmStart({ PROFILE: 'soak', RATE: '30', DURATION: '10s', PAYMENT_SERVICE_URL: sandbox.paymentUrl, BANKING_API_URL: sandbox.bankingUrl, PROMETHEUS_URL: '' });
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, /memory: flat \(PROFILE=soak\): k6 keeps no samples/);
  assert.ok(run.dir && !run.dir.includes('-distributed-'), run.dir ?? run.out);
  const report = JSON.parse(readFileSync(join(run.dir, 'summary.json'), 'utf8'));
  assert.equal(report.verdict, 'pass');
  assert.deepEqual(report.runners.map((r: { runner: string; segment: string }) => `${r.runner} ${r.segment}`), ['setup setup/teardown', 'r0 0:1']);
  // The runner ran with no summary: nothing of it but what Prometheus holds.
  assert.ok(!existsSync(join(run.dir, 'runners', 'r0', 'summary.json')));
  for (const f of ['summary.md', 'junit.xml', 'summary.txt']) assert.ok(existsSync(join(run.dir, f)), f);
  const after = await sandboxStats(sandbox.paymentUrl);
  assert.ok(report.counters.payments_created > 50, JSON.stringify(report.counters));
  assert.equal(report.counters.payments_created, after.payments! - before.payments!);
  assert.ok(report.checks.passes > report.requests.count / 2 && report.checks.fails === 0, JSON.stringify(report.checks));
  assert.ok(report.taskMix.some((t: { runs: number }) => t.runs > 0), 'the task mix is read back');
  assert.ok(report.latencyMs.p95 > 0);
});

test('a short run keeps its samples and says, before load, what that costs', async () => {
  const run = await npmStart({ DURATION: '2s', PAYMENT_SERVICE_URL: sandbox.paymentUrl, BANKING_API_URL: sandbox.bankingUrl });
  assert.equal(run.code, 0, run.out);
  const note = run.out.indexOf('memory: k6 keeps every sample in memory for its summary: about 237 bytes per request');
  assert.ok(note >= 0, run.out);
  assert.ok(note < run.out.indexOf('execution: local'), 'said before k6 starts');
});

test('FLAT_MEMORY=on with a breached latency budget exits 99 and names the threshold', async () => {
  const slow = await startSandboxProcess({ SANDBOX_FAULTS: 'latency=5ms' });
  try {
    const run = await npmStart({ FLAT_MEMORY: 'on', DURATION: '3s', P95_MS: '1', PAYMENT_SERVICE_URL: slow.paymentUrl, BANKING_API_URL: slow.bankingUrl });
    assert.equal(run.code, 99, run.out);
    assert.match(run.out, /memory: flat \(FLAT_MEMORY=on\)/);
    const report = JSON.parse(readFileSync(join(run.dir!, 'summary.json'), 'utf8'));
    assert.equal(report.verdict, 'fail');
    assert.ok(report.failedThresholds.some((t: string) => /http_req_duration.*p\(95\)<1$/.test(t)), report.failedThresholds.join('\n'));
  } finally {
    await slow.stop();
  }
});

test('flat runners\' requests, checks and a business counter equal the target\'s own count, for 1 and 2 runners', async () => {
  for (const runners of [1, 2]) {
    const start = await target.count();
    const { report } = await runDistributed({
      scenario: 'soak-memory',
      profile: 'smoke',
      runners,
      script: BENCH_SCRIPT,
      reportsRoot,
      env: { ...process.env, PROMETHEUS_URL: prom.url, TARGET_URL: target.url, REQUESTS: '3000', VUS: '6' },
    });
    const served = (await target.count()) - start;
    assert.equal(report.verdict, 'pass', report.error);
    assert.equal(served, 3000);
    assert.equal(report.requests.count, served, `${runners} runners`);
    assert.equal(report.iterations.count, served);
    assert.equal(report.counters.bench_hits, served);
    assert.deepEqual([report.checks.passes, report.checks.fails], [served, 0]);
    const count = report.thresholds.find((t) => t.metric === 'bench_hits');
    assert.equal(count?.observed, served);
  }
});

test('a runner whose pushes Prometheus refuses is an error, not a verdict on part of the data', async () => {
  // A Prometheus in front of the real one that accepts the first two pushes and refuses the rest.
  let writes = 0;
  const proxy: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.url === '/api/v1/write' && ++writes > 2) {
      res.writeHead(400).end('refused by the test');
      return;
    }
    const r = await fetch(`${prom.url}${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: chunks.length ? Buffer.concat(chunks) : undefined });
    res.writeHead(r.status, { 'Content-Type': r.headers.get('content-type') ?? 'application/octet-stream' }).end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const { report } = await runDistributed({
      scenario: 'soak-memory',
      profile: 'smoke',
      runners: 1,
      script: BENCH_SCRIPT,
      reportsRoot,
      env: { ...process.env, PROMETHEUS_URL: url, TARGET_URL: target.url, REQUESTS: '40000', VUS: '4' },
    });
    assert.equal(report.verdict, 'error');
    assert.match(report.error!, /runner r0: k6 could not push all its samples to Prometheus, so its counts are incomplete/);
    assert.equal(exitCodeOf(report.verdict), 1);
  } finally {
    proxy.close();
  }
});
