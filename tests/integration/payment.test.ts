// The payment scenario, run by the real k6 against the real sandbox.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSandboxProcess, type SandboxProcess } from '../../cli/sandbox-process.ts';
import { maxMixDeviation } from '../../lib/tasks.ts';
import { FAST, runK6, sandboxStats } from '../helpers/k6.ts';

let sandbox: SandboxProcess;
before(async () => {
  sandbox = await startSandboxProcess();
});
after(async () => {
  await sandbox?.stop();
});

test('smoke run passes, every task runs in its weighted mix, and nothing acknowledged is missing', async () => {
  const before = await sandboxStats(sandbox.paymentUrl);
  const run = await runK6('payment', {
    ...FAST,
    PAYMENT_SERVICE_URL: sandbox.paymentUrl,
    BANKING_API_URL: sandbox.bankingUrl,
    VUS: '4',
    DURATION: '8s',
  });
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  const r = run.report;
  assert.ok(r, 'summary.json was written');
  assert.equal(r.verdict, 'pass');
  assert.equal(r.failedThresholds.length, 0);
  assert.ok(r.requests.count > 200, `only ${r.requests.count} requests`);
  assert.equal(r.checks.fails, 0);
  assert.equal(r.requests.failedRate, 0);
  for (const t of r.taskMix) assert.ok(t.runs > 0, `task ${t.task} never ran`);
  const z = maxMixDeviation(r.taskMix);
  assert.ok(z < 4, `achieved mix is ${z.toFixed(2)} standard errors from the weights`);
  // Thresholds exist per endpoint and for errors and checks.
  const metrics = new Set(r.thresholds.map((t) => t.metric));
  for (const m of ['http_req_failed', 'checks', 'http_req_duration{name:POST /api/v1/payments}', 'http_req_duration{name:GET /api/v1/payments/{id}}']) {
    assert.ok(metrics.has(m), `no threshold on ${m}`);
  }
  const afterStats = await sandboxStats(sandbox.paymentUrl);
  assert.equal(afterStats.payments! - before.payments!, r.counters.payments_created);
  assert.equal(afterStats.refunds! - before.refunds!, r.counters.refunds_created);
  assert.match(run.stdout, /payment \/ smoke: PASS/);
  for (const f of ['summary.json', 'summary.md', 'junit.xml']) assert.ok(existsSync(join(run.reportDir, f)), f);
});

test('an unreachable target fails in setup with a clear message, not after a run of errors', async () => {
  const run = await runK6('payment', { PAYMENT_SERVICE_URL: 'http://127.0.0.1:9', DURATION: '5m' });
  assert.equal(run.code, 108);
  assert.match(run.stderr, /target unreachable: PAYMENT_SERVICE_URL=http:\/\/127\.0\.0\.1:9/);
  assert.ok(run.seconds < 60, `took ${run.seconds}s: the 5m profile must not have run`);
});

test('a wrong token is reported as such before load', async () => {
  const run = await runK6('payment', { PAYMENT_SERVICE_URL: sandbox.paymentUrl, AUTH_TOKEN: 'wrong-token-value' });
  assert.equal(run.code, 108);
  assert.match(run.stderr, /AUTH_TOKEN was rejected/);
  assert.doesNotMatch(run.stdout + run.stderr, /wrong-token-value/);
});

test('a bad configuration value stops k6 before load, naming the variable', async () => {
  const run = await runK6('payment', { PROFILE: 'turbo', CARD_DECLINE_RATE: '2' });
  assert.equal(run.code, 107);
  assert.match(run.stderr, /PROFILE must be one of smoke, load/);
  assert.match(run.stderr, /CARD_DECLINE_RATE must be a rate in 0\.\.1, got '2'/);
});

test('npm start against an unreachable PAYMENT_SERVICE_URL exits non-zero and says why', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/run.ts', 'payment'], {
    env: { ...process.env, PAYMENT_SERVICE_URL: 'http://127.0.0.1:9', DURATION: '5m' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 108);
  assert.match(out, /target unreachable/);
  assert.match(out, /k6 exit code 108, error: the test aborted itself/);
  assert.match(out, /summary\.json/);
});
