// The money races, run by the real k6 against the real sandbox: the idempotency and double-spend scenarios
// pass against an exact sandbox and fail the gate (exit 99, the property named) with the switch that
// brings back the race: no_idempotency_lock, racy_refunds, racy_captures (docs/integrity.md). The audit
// scenario's reconciliation per currency passes, and fails with float_amounts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { startSandboxProcess, type SandboxProcess } from '../../cli/sandbox-process.ts';
import { runK6, sandboxStats, type K6Run } from '../helpers/k6.ts';
import { missingPackages } from '../helpers/system.ts';

let exact: SandboxProcess;
let racy: SandboxProcess;
before(async () => {
  [exact, racy] = await Promise.all([startSandboxProcess(), startSandboxProcess()]);
});
after(async () => {
  await Promise.all([exact?.stop(), racy?.stop()]);
});

function targets(s: SandboxProcess): Record<string, string> {
  return { PAYMENT_SERVICE_URL: s.paymentUrl, BANKING_API_URL: s.bankingUrl };
}

/** Turns on exactly these switches on the racy sandbox. */
async function switches(spec: string): Promise<void> {
  const res = await fetch(`${racy.bankingUrl}/admin/faults`, {
    method: 'PUT',
    headers: { Authorization: 'Bearer sandbox-token', 'Content-Type': 'application/json' },
    body: JSON.stringify({ spec }),
  });
  assert.equal(res.status, 200, await res.text());
}

function diag(run: K6Run): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-2000)}`;
}

function assertPass(run: K6Run): NonNullable<K6Run['report']> {
  assert.equal(run.code, 0, diag(run));
  assert.ok(run.report, 'summary.json was written');
  assert.equal(run.report.verdict, 'pass', diag(run));
  return run.report;
}

/** Exit 99, with a failed threshold on each metric, named in summary.json and in stdout. */
function assertBreached(run: K6Run, ...metrics: string[]): NonNullable<K6Run['report']> {
  assert.equal(run.code, 99, diag(run));
  const r = run.report;
  assert.ok(r, 'summary.json was written');
  for (const m of metrics) {
    assert.ok(r.failedThresholds.some((t) => t.startsWith(`${m}: `)), `expected ${m} among ${JSON.stringify(r.failedThresholds)}`);
    assert.match(run.stdout, new RegExp(`failed thresholds: .*${m}`));
  }
  return r;
}

const IDEM = { IDEM_KEYS: '3', IDEM_RACERS_PER_KEY: '8' };
const DS = { DS_RACERS: '8', DS_ROUNDS: '3', DS_QUIET: 'true' };

test('idempotency: 3 keys x 8 racers on payments and authorizations: one created per key, the same answer for all', async () => {
  const before = await sandboxStats(exact.paymentUrl);
  const r = assertPass(await runK6('idempotency', { ...targets(exact), ...IDEM }));
  assert.equal(r.counters.idem_fresh, 6);
  assert.equal(r.counters.idem_replayed, 42);
  assert.equal(r.counters.idem_duplicates, 0);
  const after = await sandboxStats(exact.paymentUrl);
  assert.equal(after.payments! - before.payments!, 3, 'the server stored one payment per key');
  assert.equal(after.authorizations! - before.authorizations!, 3, 'and one authorization per key');
});

test('idempotency without the lock (no_idempotency_lock) fails the gate on idem_duplicates', async () => {
  await switches('no_idempotency_lock');
  const r = assertBreached(await runK6('idempotency', { ...targets(racy), ...IDEM }), 'idem_duplicates', 'idem_same_response');
  assert.ok(r.counters.idem_duplicates! > 0);
});

test('double-spend: 4 races x 8 racers x 3 rounds end with exactly the allowed winners and balances', async () => {
  const r = assertPass(await runK6('double-spend', { ...targets(exact), ...DS }));
  assert.equal(r.counters.ds_full_refund_won, 3);
  assert.equal(r.counters.ds_full_refund_refused, 21);
  assert.equal(r.counters.ds_partial_refund_won, 12);
  assert.equal(r.counters.ds_capture_won, 3);
  assert.equal(r.counters.ds_capture_refused, 21);
  assert.equal(r.counters.ds_bank_refund_won, 12);
  assert.equal(r.counters.ds_server_refund_excess_minor, 0);
});

test('double-spend with racy_refunds fails the gate on the refund winners and the server refund total', async () => {
  await switches('racy_refunds');
  const r = assertBreached(
    await runK6('double-spend', { ...targets(racy), ...DS }),
    'ds_full_refund_won',
    'ds_partial_refund_won',
    'ds_bank_refund_won',
    'ds_server_refund_excess_minor',
  );
  assert.ok(!r.failedThresholds.some((t) => t.startsWith('ds_capture')), 'captures stay exact');
});

test('double-spend with racy_captures fails the gate on ds_capture_won only', async () => {
  await switches('racy_captures');
  const r = assertBreached(await runK6('double-spend', { ...targets(racy), ...DS, DS_RACES: 'capture' }), 'ds_capture_won');
  assert.ok(r.failedThresholds.every((t) => t.startsWith('ds_capture')), JSON.stringify(r.failedThresholds));
});

const AUDIT = { AUDIT_QUIET: 'true', AUDIT_VUS: '3', AUDIT_DURATION: '4s', MIN_WAIT_TIME: '0', MAX_WAIT_TIME: '20' };

test('reconciliation: after a mixed load every kind of money reconciles per currency, to the minor unit', async () => {
  await switches('');
  const r = assertPass(await runK6('audit', { ...targets(racy), ...AUDIT }));
  const recon = r.thresholds.filter((t) => t.metric.startsWith('recon_minor{'));
  // The built-in dataset's merchants pay in 3 currencies; 4 kinds each.
  assert.equal(recon.length, 12, JSON.stringify(recon.map((t) => t.metric)));
  assert.ok(recon.every((t) => t.observed === 0));
  assert.ok(r.counters.captures_created! > 0 && r.counters.banking_refunds_created! > 0);
});

test('reconciliation: amounts stored through a float (float_amounts) fail the gate naming the kind, currency and difference', async () => {
  await switches('float_amounts');
  const run = await runK6('audit', { ...targets(racy), ...AUDIT });
  assert.equal(run.code, 99, diag(run));
  const failed = run.report?.failedThresholds ?? [];
  const payments = failed.filter((t) => /^recon_minor\{kind:payments,currency:[A-Z]{3}\}: count==0$/.test(t));
  assert.ok(payments.length > 0, JSON.stringify(failed));
  const named = run.report!.thresholds.find((t) => t.metric.startsWith('recon_minor{kind:payments,') && !t.ok);
  assert.ok(named && named.observed !== 0, 'the difference is the observed value');
  assert.match(run.stdout, /FAIL\s+recon_minor\{kind:payments,currency:[A-Z]{3}\}\s+count==0\s+observed -?\d+/);
});

// ---------------------------------------------------------------------------------- 2 runners

/** Prometheus is an optional system package for `npm test` (as for the distributed tests): without it these skip. */
const noPrometheus = missingPackages(['prometheus']);

/** `npm run distributed -- <scenario> --runners 2`: the racers of each key or object are split over both runners. */
function distributed(scenario: string, env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/distributed.ts', scenario, '--runners', '2'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stdout += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout })));
}

test('2 runners: the idempotency race passes with each key raced from both runners at once', { skip: noPrometheus }, async () => {
  const run = await distributed('idempotency', { ...targets(exact), ...IDEM });
  assert.equal(run.code, 0, run.stdout);
  assert.match(run.stdout, /ok\s+idem_duplicates\s+count==0\s+observed 0/);
  assert.match(run.stdout, /ok\s+idem_release_lag_ms\s+max<500/);
});

test('2 runners: the double-spend races still fail the gate under racy_refunds', { skip: noPrometheus }, async () => {
  await switches('racy_refunds');
  const run = await distributed('double-spend', { ...targets(racy), ...DS, DS_RACES: 'full_refund' });
  assert.equal(run.code, 99, run.stdout);
  assert.match(run.stdout, /failed thresholds: .*ds_full_refund_won: count==3/);
});

test('money races: bad settings stop k6 before any request, naming the variable', async () => {
  const idem = await runK6('idempotency', { IDEM_APIS: 'ledger' });
  assert.equal(idem.code, 107, diag(idem));
  assert.match(idem.stderr, /IDEM_APIS lists 'ledger'/);
  const ds = await runK6('double-spend', { DS_RACES: 'cash' });
  assert.equal(ds.code, 107, diag(ds));
  assert.match(ds.stderr, /DS_RACES lists 'cash'/);
});
