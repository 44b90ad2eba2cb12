// `npm start -- --baseline`: a healthy run against healthy runs passes (10 repeats, no false alarm); a
// run 50 ms slower on some endpoints (far inside every budget) fails naming them; 2% errors on one
// endpoint fails on that endpoint's error rate. Each run gets a fresh sandbox, as `npm start` would,
// so the sandbox's growing tables do not drift the latency from one run to the next.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import type { Comparison } from '../../lib/baseline.ts';
import { FAST, startOnFreshSandbox } from '../helpers/k6.ts';

const SHORT = { ...FAST, VUS: '4', DURATION: '6s', PROFILE: 'smoke' };
const REPEATS = 10;
const BASELINE_RUNS = 5;

interface StartRun {
  code: number;
  stdout: string;
  reportDir: string;
  comparison: (Comparison & { source: string }) | undefined;
}

/** `npm start -- payment [--baseline dir]` against a fresh sandbox with `faults`; its report dir moved under `into`. */
async function start(into: string, baseline: string | null, faults = ''): Promise<StartRun> {
  const { code, stdout, reportDir: dir } = await startOnFreshSandbox([...(baseline ? ['--baseline', baseline] : []), '--quiet'], SHORT, faults);
  assert.ok(dir, stdout.slice(-2000));
  mkdirSync(into, { recursive: true });
  const reportDir = join(into, basename(dir));
  renameSync(dir, reportDir);
  const summary = JSON.parse(readFileSync(join(reportDir, 'summary.json'), 'utf8'));
  return { code, stdout, reportDir, comparison: summary.baseline };
}

const root = mkdtempSync(join(tmpdir(), 'paykit-baseline-'));
const baseDir = join(root, 'base');
after(() => rmSync(root, { recursive: true, force: true }));

test(`baseline of ${BASELINE_RUNS} healthy runs; ${REPEATS} healthy runs against it: no false alarm`, { timeout: 600_000 }, async () => {
  for (let i = 0; i < BASELINE_RUNS; i++) assert.equal((await start(baseDir, null)).code, 0);
  const alarms: string[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const run = await start(join(root, 'healthy'), baseDir);
    assert.ok(run.comparison, 'summary.json records the comparison');
    assert.equal(run.comparison.runs, BASELINE_RUNS);
    // The widest change seen per metric, for docs/baseline.md.
    const compared = run.comparison.rows.filter((r) => r.outcome !== 'not compared' && r.metric !== 'error rate');
    console.log(`healthy ${i + 1}: exit ${run.code}; ${compared.map((r) => `${r.endpoint} ${r.metric} ${r.change === null ? '-' : (r.change * 100).toFixed(0)}%/±${((r.band ?? 0) * 100).toFixed(0)}%`).join('; ')}`);
    if (run.code !== 0) alarms.push(`repeat ${i + 1}: exit ${run.code}: ${run.comparison.regressions.join(', ')}`);
  }
  assert.deepEqual(alarms, [], `false alarms: ${alarms.join(' | ')}`);
});

test('50 ms more on the payment endpoints (far inside the 500 ms budgets): exit 99 naming those endpoints', { timeout: 120_000 }, async () => {
  const run = await start(join(root, 'slow'), baseDir, 'latency=50ms@/api/v1/payments*');
  assert.equal(run.code, 99, run.stdout.slice(-3000));
  const regressed = new Set(run.comparison!.regressions.map((r) => r.replace(/ (p\d\d ms|error rate|throughput \/s)$/, '')));
  for (const e of ['POST /api/v1/payments', 'GET /api/v1/payments/{id}', 'POST /api/v1/payments/{id}/refunds']) assert.ok(regressed.has(e), `${e} not named: ${[...regressed].join(', ')}`);
  assert.ok(!regressed.has('GET /health'), 'an endpoint outside the fault was named');
  assert.match(run.stdout, /REGRESSION against the baseline: .*POST \/api\/v1\/payments p50 ms/);
  const summary = JSON.parse(readFileSync(join(run.reportDir, 'summary.json'), 'utf8'));
  assert.equal(summary.failedThresholds.length, 0, 'no budget was breached: only the baseline catches this');
  assert.equal(summary.verdict, 'fail');
  assert.match(readFileSync(join(run.reportDir, 'summary.md'), 'utf8'), /❌ regression: .*`POST \/api\/v1\/payments p50 ms`/);
  assert.match(readFileSync(join(run.reportDir, 'junit.xml'), 'utf8'), /name="POST \/api\/v1\/payments p50 ms" time="0">\s*<failure /);
  const page = readFileSync(join(run.reportDir, 'report.html'), 'utf8');
  assert.match(page, /FAIL/);
  assert.match(page, /<h2>Baseline<\/h2>/);
  assert.match(page, /slower or failing more than the baseline, beyond its noise: .*POST \/api\/v1\/payments p50 ms/);
});

test('a baseline of another load (VUS=5 against 4) is refused before any load, with the reason', { timeout: 60_000 }, async () => {
  const child = spawn('npm', ['exec', '--', 'tsx', 'cli/run.ts', 'payment', '--baseline', baseDir], { env: { ...process.env, ...SHORT, VUS: '5' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  assert.equal(code, 2, out);
  assert.match(out, /--baseline .* refused: the baseline is another kind of run \(load: baseline '4 VUs \(closed model\), 6s', this run '5 VUs \(closed model\), 6s'\)/);
  assert.doesNotMatch(out, /sandbox:|running \(/, 'no load was started');
});

test('errors=2% on POST /api/v1/payments: fails on that endpoint\'s error rate, and no other endpoint\'s', { timeout: 120_000 }, async () => {
  const run = await start(join(root, 'errors'), baseDir, 'errors=2%@POST /api/v1/payments');
  assert.equal(run.code, 99, run.stdout.slice(-3000));
  const errors = run.comparison!.rows.filter((r) => r.metric === 'error rate' && r.outcome === 'regression').map((r) => r.endpoint);
  assert.deepEqual(errors, ['POST /api/v1/payments']);
  assert.ok(run.comparison!.regressions.includes('POST /api/v1/payments error rate'));
});

/** `npm run suite -- --scenarios payment --baseline <baseDir>` (the suite starts its own sandbox, with `faults`). */
async function suite(faults: string): Promise<{ code: number; out: string; dir: string }> {
  const dir = join(root, `suite-${faults ? 'slow' : 'healthy'}`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/suite.ts', '--scenarios', 'payment', '--profile', 'smoke', '--out', dir, '--baseline', baseDir], {
    env: { ...process.env, ...SHORT, SANDBOX_FAULTS: faults, PAYMENT_SERVICE_URL: '', BANKING_API_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, out, dir };
}

test('npm run suite --baseline: a healthy suite is READY against the npm start runs; its run keeps baseline.json with k6\'s CPU and the load average', { timeout: 120_000 }, async () => {
  const run = await suite('');
  assert.equal(run.code, 0, run.out.slice(-3000));
  assert.match(run.out, /decision: READY/);
  const report = JSON.parse(readFileSync(join(run.dir, 'suite.json'), 'utf8'));
  const summary = JSON.parse(readFileSync(join(report.scenarios[0].reportDir, 'summary.json'), 'utf8'));
  assert.equal(summary.baseline.runs, BASELINE_RUNS);
  assert.deepEqual(summary.baseline.regressions, []);
  const kept = JSON.parse(readFileSync(join(report.scenarios[0].reportDir, 'baseline.json'), 'utf8'));
  assert.ok(kept.runs[0].loadGenerator.cpuMs > 0 && kept.runs[0].loadGenerator.processes === 1, JSON.stringify(kept.runs[0].loadGenerator));
  assert.equal(typeof kept.runs[0].loadAverage, 'number');
  assert.ok(summary.baseline.rows.some((r: { metric: string; outcome: string }) => r.metric === 'cpu ms/request' && r.outcome !== 'not compared'), 'the load generator\'s CPU per request is compared');
});

test('npm run suite --baseline: 50 ms more on the payment endpoints makes payment fail (exit 99 in its row, naming the endpoint) and the suite NOT READY', { timeout: 120_000 }, async () => {
  const run = await suite('latency=50ms@/api/v1/payments*');
  assert.equal(run.code, 1, run.out.slice(-3000));
  assert.match(run.out, /payment\s+FAIL\s+99 .*regression: .*POST \/api\/v1\/payments p50 ms/);
  const report = JSON.parse(readFileSync(join(run.dir, 'suite.json'), 'utf8'));
  assert.equal(report.decision, 'NOT READY');
  assert.match(report.reasons[0], /^payment: regression against the baseline: .*POST \/api\/v1\/payments p50 ms/);
  const runDir = report.scenarios[0].reportDir;
  assert.match(readFileSync(join(runDir, 'junit.xml'), 'utf8'), /name="POST \/api\/v1\/payments p50 ms" time="0">\s*<failure /);
  assert.match(readFileSync(join(runDir, 'report.html'), 'utf8'), /<h2>Baseline<\/h2>/);
});
