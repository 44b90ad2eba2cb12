// The distributed coordinator with the real k6 and the real Prometheus against the sandbox: one verdict
// over N runners (docs/distributed.md).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDistributed } from '../../cli/distributed/coordinator.ts';
import { usePrometheus, type Prometheus } from '../../cli/distributed/prometheus.ts';
import { startSandboxProcess, type SandboxProcess } from '../../cli/sandbox-process.ts';
import { exitCodeOf } from '../../lib/verdict/report-data.ts';
import { parseKey } from '../../lib/verdict/thresholds.ts';
import { FAST, sandboxStats } from '../helpers/k6.ts';
import { needing } from '../helpers/system.ts';

const { test, before, after } = needing('prometheus');

/** The documented bound (docs/distributed.md): one bucket of k6's native-histogram schema 3, 2^(1/8) - 1. */
const PERCENTILE_BOUND = 2 ** (1 / 8) - 1;

let sandbox: SandboxProcess;
let prom: Prometheus;
let reportsRoot: string;
before(async () => {
  sandbox = await startSandboxProcess();
  // One server for the in-process runs; the CLI test lets the coordinator start its own.
  prom = await usePrometheus({});
  reportsRoot = mkdtempSync(join(tmpdir(), 'paykit-distributed-'));
});
after(async () => {
  await prom?.stop();
  await sandbox?.stop();
  if (reportsRoot) rmSync(reportsRoot, { recursive: true, force: true });
});

const targets = () => ({ PAYMENT_SERVICE_URL: sandbox.paymentUrl, BANKING_API_URL: sandbox.bankingUrl });

/** k6's percentile over raw samples: linear interpolation between the sorted neighbours. */
function exactPercentile(sorted: readonly number[], p: number): number {
  const i = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(i);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (i - lo);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('3 runners: one pass, totals add up, payments match the sandbox, merged p95/p99 within the bound of the raw samples', async () => {
  const raw = mkdtempSync(join(tmpdir(), 'paykit-raw-'));
  const statsBefore = await sandboxStats(sandbox.paymentUrl);
  const lines: string[] = [];
  const { report } = await runDistributed({
    scenario: 'payment',
    profile: 'smoke',
    runners: 3,
    env: { ...process.env, ...FAST, ...targets(), PROMETHEUS_URL: prom.url, VUS: '3', DURATION: '6s' },
    reportsRoot,
    k6Args: (id) => ['--out', `json=${join(raw, `${id}.json`)}`],
    log: (l) => lines.push(l),
  });
  assert.equal(report.verdict, 'pass', JSON.stringify({ error: report.error, failed: report.failedThresholds, runners: report.runners }));
  assert.match(lines.join('\n'), /start skew \d+(\.\d+)? ms/);
  assert.equal(report.runners.filter((r) => r.segment !== 'setup/teardown').length, 3);
  assert.equal(report.requests.count, report.runners.reduce((s, r) => s + (r.requests ?? 0), 0));
  assert.ok(report.requests.count > 300, `only ${report.requests.count} requests`);
  const statsAfter = await sandboxStats(sandbox.paymentUrl);
  assert.equal(statsAfter.payments! - statsBefore.payments!, report.counters.payments_created);

  const durations: number[] = [];
  for (const f of readdirSync(raw)) {
    for (const line of readFileSync(join(raw, f), 'utf8').split('\n')) {
      if (!line.includes('"http_req_duration"') || !line.includes('"Point"')) continue;
      durations.push((JSON.parse(line) as { data: { value: number } }).data.value);
    }
  }
  durations.sort((a, b) => a - b);
  assert.equal(durations.length, report.requests.count, 'every request has a raw sample');
  for (const [p, merged] of [[95, report.latencyMs.p95], [99, report.latencyMs.p99]] as const) {
    // The guarantee is against the sample of rank ceil(q*n), which shares the bucket histogram_quantile
    // reads; k6's own percentile interpolates between that sample and its neighbour below.
    const exact = exactPercentile(durations, p);
    const nearest = durations[Math.ceil((p / 100) * durations.length) - 1]!;
    const lo = Math.min(exact, nearest) / (1 + PERCENTILE_BOUND);
    const hi = Math.max(exact, nearest) * (1 + PERCENTILE_BOUND);
    assert.ok(merged! >= lo && merged! <= hi, `p(${p}) merged ${merged} ms vs exact ${exact.toFixed(3)} ms (nearest rank ${nearest.toFixed(3)} ms)`);
    assert.ok(Math.abs(merged! - nearest) / nearest <= PERCENTILE_BOUND, `p(${p}) merged ${merged} ms vs nearest rank ${nearest} ms`);
  }
  rmSync(raw, { recursive: true, force: true });
});

test('setup() and teardown() run once: only the setup process sends their requests, and the audit check passes over the whole run', async () => {
  const raw = mkdtempSync(join(tmpdir(), 'paykit-raw-'));
  const { report, reportDir } = await runDistributed({
    scenario: 'audit',
    profile: 'smoke',
    runners: 2,
    env: { ...process.env, ...FAST, ...targets(), PROMETHEUS_URL: prom.url, VUS: '2', DURATION: '3s' },
    reportsRoot,
    k6Args: (id) => ['--out', `json=${join(raw, `${id}.json`)}`],
  });
  assert.equal(report.verdict, 'pass', JSON.stringify({ error: report.error, failed: report.failedThresholds, runners: report.runners }));
  const observed = Object.fromEntries(report.thresholds.map((t) => [`${t.metric} ${t.expression}`, t.observed]));
  assert.equal(observed['audit_chain_valid rate==1'], 1);
  for (const m of ['missing_payments', 'missing_refunds', 'missing_users', 'audit_entries_missing']) assert.equal(observed[`${m} count<=0`], 0, m);
  // Each counter is what the three processes counted (the teardown's adjustments included): the sum of
  // their raw samples. The load runners keep no summary (flat memory), so theirs come from Prometheus.
  assert.ok(!existsSync(join(reportDir, 'runners', 'r0', 'summary.json')), 'a load runner keeps no summary');
  const samples = ['setup', 'r0', 'r1'].map((id) =>
    readFileSync(join(raw, `${id}.json`), 'utf8').split('\n').filter((l) => l.includes('"Point"')).map((l) => JSON.parse(l) as { metric: string; data: { value: number; tags: Record<string, string> } }),
  );
  const summed = (key: string) => {
    const { metric, tags } = parseKey(key);
    return samples.flat().filter((x) => x.metric === metric && Object.entries(tags).every(([k, v]) => x.data.tags[k] === v)).reduce((n, x) => n + x.data.value, 0);
  };
  const counterThresholds = report.thresholds.filter((t) => t.stat === 'count');
  assert.ok(counterThresholds.length >= 10, `${counterThresholds.length} counter thresholds`);
  for (const t of counterThresholds) assert.equal(t.observed, summed(t.metric), `${t.metric} ${t.expression}`);
  assert.ok(samples.every((xs) => xs.some((x) => x.metric === 'audit_entries_missing')), 'every process counted the audit ledger');
  const phases = (id: string) => {
    const seen = new Set<string>();
    for (const line of readFileSync(join(raw, `${id}.json`), 'utf8').split('\n')) {
      const m = /"group":"::(setup|teardown)"/.exec(line);
      if (m && line.includes('"http_reqs"')) seen.add(m[1]!);
    }
    return [...seen].sort();
  };
  assert.deepEqual(phases('setup'), ['setup', 'teardown']);
  assert.deepEqual(phases('r0'), []);
  assert.deepEqual(phases('r1'), []);
  rmSync(raw, { recursive: true, force: true });
});

test('a throughput floor that no runner meets alone passes over the whole run', async () => {
  // Paced by think time, not CPU: each runner's 1 VU makes about 4.5 requests/s, all three about 13.5.
  // About 80 requests: the 2-3%-weight endpoints may get none, so their budgets are made optional here.
  const { report } = await runDistributed({
    scenario: 'payment',
    profile: 'smoke',
    runners: 3,
    env: { ...process.env, ...targets(), PROMETHEUS_URL: prom.url, VUS: '3', DURATION: '6s', MIN_WAIT_TIME: '200', MAX_WAIT_TIME: '220', MIN_RPS: '9', OPTIONAL_ENDPOINTS: '*' },
    reportsRoot,
  });
  assert.equal(report.verdict, 'pass', JSON.stringify({ error: report.error, failed: report.failedThresholds, runners: report.runners }));
  const floor = report.thresholds.find((t) => t.metric === 'http_reqs');
  assert.ok(floor && floor.ok && floor.observed! >= 9, JSON.stringify(floor));
  for (const r of report.runners.filter((r) => r.segment !== 'setup/teardown')) {
    assert.ok(r.requests! / report.durationSeconds < 9, `runner ${r.runner} alone made ${r.requests} requests in ${report.durationSeconds}s`);
  }
});

test('a throughput floor the whole run misses fails, judged from the whole run\'s request count', async () => {
  const { report } = await runDistributed({
    scenario: 'payment',
    profile: 'smoke',
    runners: 2,
    env: { ...process.env, ...FAST, ...targets(), PROMETHEUS_URL: prom.url, VUS: '2', DURATION: '3s', MIN_RPS: '100000', OPTIONAL_ENDPOINTS: '*' },
    reportsRoot,
  });
  assert.equal(report.verdict, 'fail', JSON.stringify({ error: report.error, failed: report.failedThresholds }));
  const floor = report.thresholds.find((t) => t.metric === 'http_reqs');
  assert.ok(floor && !floor.ok, JSON.stringify(floor));
  assert.deepEqual(report.failedThresholds, [`http_reqs: ${floor.expression}`]);
  // The rate is the report's total over the run's duration.
  assert.ok(Math.abs(floor.observed! * report.durationSeconds - report.requests.count) < 1e-6 * report.requests.count, `${floor.observed}/s x ${report.durationSeconds}s vs ${report.requests.count}`);
});

test('a latency budget breached over the whole run exits 99 and names the threshold on stdout and in every report', async () => {
  // No PROMETHEUS_URL: the coordinator starts and stops its own.
  const env = { ...process.env, ...FAST, ...targets(), PROMETHEUS_URL: '', VUS: '2', DURATION: '3s', P99_MS: '1' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/distributed.ts', 'payment', '--runners', '2'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const dir = /reports: (\S+)\/\{/.exec(out)?.[1];
  try {
    assert.equal(code, 99, out.slice(-3000));
    assert.match(out, /FAIL\s+http_req_duration\{name:POST \/api\/v1\/payments\}\s+p\(99\)<1 /);
    assert.ok(dir && existsSync(dir), out);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { verdict: string; failedThresholds: string[] };
    assert.equal(summary.verdict, 'fail');
    assert.ok(summary.failedThresholds.includes('http_req_duration{name:POST /api/v1/payments}: p(99)<1'));
    assert.match(readFileSync(join(dir, 'junit.xml'), 'utf8'), /<failure message="http_req_duration\{name:POST \/api\/v1\/payments\} p\(99\)&lt;1 breached/);
    assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /❌ \| `http_req_duration\{name:POST \/api\/v1\/payments\}` \| `p\(99\)<1`/);
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

test('a runner killed mid-run gives an error verdict naming it, and no k6 or Prometheus process is left', async () => {
  let killed = 0;
  const result = await runDistributed({
    scenario: 'payment',
    profile: 'smoke',
    runners: 3,
    env: { ...process.env, ...FAST, ...targets(), PROMETHEUS_URL: '', VUS: '3', DURATION: '20s' },
    reportsRoot,
    onLaunched: (ps) => {
      const r1 = ps.find((p) => p.id === 'r1')!;
      setTimeout(() => {
        killed = r1.child.pid!;
        r1.child.kill('SIGKILL');
      }, 1500);
    },
  });
  assert.ok(killed > 0);
  assert.equal(result.report.verdict, 'error');
  assert.match(result.report.error!, /runner r1 \(segment 1\/3:2\/3\) exited with code 137/);
  const code = exitCodeOf(result.report.verdict);
  assert.ok(code !== 0 && code !== 99);
  assert.ok(result.pids.length >= 5, 'k6 x4 and Prometheus');
  for (const pid of result.pids) assert.ok(!alive(pid), `process ${pid} is still running`);
  const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(result.report.distributed.testId));
  assert.deepEqual(left, []);
  assert.ok(result.report.durationSeconds < 15, 'the other runners were stopped, not left to finish');
});

test('an abortOnFail threshold breached over all runners stops every runner early and fails the run', async () => {
  // 90% of payments fail: about 63% of all requests, over the scenario's catastrophic 50% (abortOnFail, 5 s delay).
  const faulty = await startSandboxProcess({ SANDBOX_FAULTS: 'errors=0.9@POST /api/v1/payments' });
  try {
    const { report } = await runDistributed({
      scenario: 'payment',
      profile: 'smoke',
      runners: 2,
      env: { ...process.env, ...FAST, PAYMENT_SERVICE_URL: faulty.paymentUrl, BANKING_API_URL: faulty.bankingUrl, PROMETHEUS_URL: prom.url, VUS: '2', DURATION: '40s' },
      reportsRoot,
    });
    assert.equal(report.verdict, 'fail', JSON.stringify({ error: report.error, runners: report.runners }));
    assert.equal(report.distributed.abortedBy, 'http_req_failed: rate<0.5');
    assert.ok(report.failedThresholds.includes('http_req_failed: rate<0.5'));
    assert.ok(report.durationSeconds < 20, `ran ${report.durationSeconds}s of 40s`);
    for (const r of report.runners.filter((r) => r.segment !== 'setup/teardown')) assert.equal(r.exit, 103, `runner ${r.runner}`);
  } finally {
    await faulty.stop();
  }
});
