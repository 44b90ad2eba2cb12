// --baseline on a distributed run (`npm run distributed`) and on its later verdict (`npm run verdict`):
// a distributed run writes baseline.json and so can be a baseline; a healthy run against it passes; a run
// 50 ms slower on the payment endpoints exits 99 naming them, from the coordinator and from the verdict.
// One Prometheus for every run, kept alive so the verdict reads what the runners wrote.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { usePrometheus, type Prometheus } from '../../cli/distributed/prometheus.ts';
import { startSandboxProcess } from '../../cli/sandbox-process.ts';
import { join } from 'node:path';
import { FAST } from '../helpers/k6.ts';
import { needing } from '../helpers/system.ts';

const { test, before, after } = needing('prometheus');

const SHORT = { ...FAST, PROFILE: 'smoke', VUS: '4', DURATION: '6s' };
let prom: Prometheus;
const dirs: string[] = [];
before(async () => {
  prom = await usePrometheus({});
});
after(async () => {
  await prom?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cli(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; dir: string | undefined }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, ...SHORT, PROMETHEUS_URL: prom.url, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve) =>
    child.on('close', (c) => {
      const dir = /reports: (\S+)\/\{/.exec(out)?.[1];
      if (dir) dirs.push(dir);
      resolve({ code: c ?? -1, out, dir });
    }),
  );
}

/** `npm run distributed -- payment --runners 2 [--baseline b]` against a fresh sandbox with `faults`. */
async function distributed(baseline: string | null, faults = '') {
  const sb = await startSandboxProcess(faults ? { SANDBOX_FAULTS: faults } : {});
  try {
    return await cli('cli/distributed.ts', ['payment', '--runners', '2', ...(baseline ? ['--baseline', baseline] : [])], { PAYMENT_SERVICE_URL: sb.paymentUrl, BANKING_API_URL: sb.bankingUrl });
  } finally {
    await sb.stop();
  }
}

let base: string;

test('a distributed run keeps baseline.json (its 3 k6 processes\' CPU, the load average); a healthy distributed run against it passes', { timeout: 180_000 }, async () => {
  const first = await distributed(null);
  assert.equal(first.code, 0, first.out.slice(-3000));
  base = first.dir!;
  const kept = JSON.parse(readFileSync(join(base, 'baseline.json'), 'utf8'));
  assert.equal(kept.scenario, 'payment');
  assert.equal(kept.load, '4 VUs (closed model), 6s');
  assert.equal(kept.runs[0].loadGenerator.processes, 3, 'two runners and the setup process');
  assert.ok(kept.runs[0].loadGenerator.cpuMs > 0);
  assert.equal(typeof kept.runs[0].loadAverage, 'number');

  const healthy = await distributed(base);
  assert.equal(healthy.code, 0, healthy.out.slice(-3000));
  assert.match(healthy.out, /baseline: 1 run from .*: no regression beyond noise/);
  const summary = JSON.parse(readFileSync(join(healthy.dir!, 'summary.json'), 'utf8'));
  assert.deepEqual(summary.baseline.regressions, []);
  assert.ok(summary.baseline.rows.some((r: { metric: string; outcome: string }) => r.metric === 'p95 ms' && r.outcome === 'within noise'), 'merged percentiles are compared');
});

test('50 ms more on the payment endpoints: npm run distributed and npm run verdict exit 99 naming them; no budget breached', { timeout: 180_000 }, async () => {
  assert.ok(base && existsSync(base), 'the baseline run of the test above');
  const slow = await distributed(base, 'latency=50ms@/api/v1/payments*');
  assert.equal(slow.code, 99, slow.out.slice(-3000));
  assert.match(slow.out, /REGRESSION against the baseline: .*POST \/api\/v1\/payments (p95 ms|throughput \/s)/);
  const summary = JSON.parse(readFileSync(join(slow.dir!, 'summary.json'), 'utf8'));
  assert.equal(summary.verdict, 'fail');
  assert.deepEqual(summary.failedThresholds, [], 'inside every budget: only the baseline catches it');
  // A merged report has no p50: the slowdown shows in the p95 (beyond its floor) or in the closed
  // model's throughput, per endpoint.
  const named = new Set<string>(summary.baseline.regressions.map((r: string) => r.replace(/ (p\d\d ms|error rate|throughput \/s|cpu ms\/request)$/, '')));
  for (const e of ['POST /api/v1/payments', 'GET /api/v1/payments/{id}', 'POST /api/v1/payments/{id}/refunds']) assert.ok(named.has(e), `${e} not named: ${[...named].join(', ')}`);
  assert.ok(!named.has('GET /health'), [...named].join(', '));
  assert.match(readFileSync(join(slow.dir!, 'summary.md'), 'utf8'), /❌ regression: .*`POST \/api\/v1\/payments /);
  assert.match(readFileSync(join(slow.dir!, 'junit.xml'), 'utf8'), /name="POST \/api\/v1\/payments (p95 ms|throughput \/s)" time="0">\s*<failure /);
  assert.match(readFileSync(join(slow.dir!, 'report.html'), 'utf8'), /slower or failing more than the baseline, beyond its noise: .*POST \/api\/v1\/payments /);

  // The same test judged again later, from Prometheus alone.
  const v = await cli('cli/verdict.ts', ['--scenario', 'payment', '--testid', summary.distributed.testId, '--runners', '2', '--baseline', base], {});
  assert.equal(v.code, 99, v.out.slice(-3000));
  assert.match(v.out, /REGRESSION against the baseline: .*POST \/api\/v1\/payments /);
});

test('a baseline of another load is refused before any load by npm run distributed and npm run verdict (exit 2)', { timeout: 60_000 }, async () => {
  assert.ok(base, 'the baseline run of the first test');
  const d = await cli('cli/distributed.ts', ['payment', '--runners', '2', '--baseline', base], { VUS: '5' });
  assert.equal(d.code, 2, d.out);
  assert.match(d.out, /refused: the baseline is another kind of run \(load: baseline '4 VUs \(closed model\), 6s', this run '5 VUs \(closed model\), 6s'\)/);
  assert.doesNotMatch(d.out, /released/, 'no runner was released');
  const v = await cli('cli/verdict.ts', ['--scenario', 'payment', '--testid', 'x', '--baseline', base], { VUS: '5' });
  assert.equal(v.code, 2, v.out);
  assert.match(v.out, /refused: the baseline is another kind of run/);
});

test('a flat-memory run (FLAT_MEMORY=on, judged from Prometheus) compares with the same baseline through the same path', { timeout: 120_000 }, async () => {
  assert.ok(base, 'the baseline run of the first test');
  const sb = await startSandboxProcess();
  try {
    const r = await cli('cli/run.ts', ['payment', '--baseline', base], { FLAT_MEMORY: 'on', PAYMENT_SERVICE_URL: sb.paymentUrl, BANKING_API_URL: sb.bankingUrl });
    assert.equal(r.code, 0, r.out.slice(-3000));
    assert.match(r.out, /memory: flat/);
    assert.match(r.out, /baseline: 1 run from .*: no regression beyond noise/);
    const dir = /(reports\/payment-smoke-\S+?)\/summary\.json/.exec(r.out)?.[1];
    assert.ok(dir, r.out.slice(-2000));
    dirs.push(dir);
    const kept = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8'));
    assert.equal(kept.runs[0].loadGenerator.processes, 2, 'one flat runner and the setup process');
  } finally {
    await sb.stop();
  }
});
