// The integrity scenarios, run by the real k6 against the real sandbox: each passes against a healthy
// sandbox and fails the gate (exit 99, the right threshold named) against the fault that breaks its property.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { startSandboxProcess, type SandboxProcess } from '../../cli/sandbox-process.ts';
import { FAST, runK6, sandboxStats, type K6Run } from '../helpers/k6.ts';

const TOKEN = 'sandbox-token';

let healthy: SandboxProcess;
before(async () => {
  healthy = await startSandboxProcess();
});
after(async () => {
  await healthy?.stop();
});

async function withSandbox<T>(env: NodeJS.ProcessEnv, fn: (s: SandboxProcess) => Promise<T>): Promise<T> {
  const s = await startSandboxProcess(env);
  try {
    return await fn(s);
  } finally {
    await s.stop();
  }
}

function targets(s: SandboxProcess): Record<string, string> {
  return { PAYMENT_SERVICE_URL: s.paymentUrl, BANKING_API_URL: s.bankingUrl };
}

function diag(run: K6Run): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-2000)}`;
}

function assertPass(run: K6Run): NonNullable<K6Run['report']> {
  assert.equal(run.code, 0, diag(run));
  const r = run.report;
  assert.ok(r, 'summary.json was written');
  assert.equal(r.verdict, 'pass', diag(run));
  assert.deepEqual(r.failedThresholds, []);
  return r;
}

/** Exit 99, and the threshold on `metric` is failed in summary.json and named in the printed summary. */
function assertBreached(run: K6Run, metric: string): NonNullable<K6Run['report']> {
  assert.equal(run.code, 99, diag(run));
  const r = run.report;
  assert.ok(r, 'summary.json was written');
  assert.equal(r.verdict, 'fail');
  assert.ok(
    r.failedThresholds.some((t) => t.startsWith(`${metric}: `)),
    `expected a failed threshold on ${metric}, got ${JSON.stringify(r.failedThresholds)}`,
  );
  assert.ok(run.stdout.includes(`failed thresholds: `) && run.stdout.includes(metric), `stdout does not name ${metric}:\n${run.stdout}`);
  return r;
}

const counter = (r: NonNullable<K6Run['report']>, name: string) => r.counters[name];

/** The streaming side alone: storing runs and proving them is tests/integration/object-storage.test.ts. */
const STREAM_ONLY = { GEN_STORE: 'false' };

// ------------------------------------------------------------------------------------------ race

test('registration race: 100 simultaneous registrations of one PAN give exactly one 201 and 99 409s', async () => {
  const beforeStats = await sandboxStats(healthy.paymentUrl);
  const run = await runK6('registration-race', targets(healthy));
  const r = assertPass(run);
  assert.equal(counter(r, 'race_created'), 1);
  assert.equal(counter(r, 'race_conflict'), 99);
  assert.equal(counter(r, 'race_server_error'), 0);
  assert.equal(counter(r, 'race_other'), 0);
  const lag = r.thresholds.find((t) => t.metric === 'race_release_lag_ms');
  assert.ok(lag && lag.observed !== null && lag.observed < 500, `racers were not released together: ${JSON.stringify(lag)}`);
  assert.equal((await sandboxStats(healthy.paymentUrl)).users! - beforeStats.users!, 1, 'exactly one user stored');
  assert.match(run.stdout, /registration-race \/ 1x100: PASS/);
});

test('registration race, K PANs x M racers: exactly K winners, one per PAN; a second run does not collide', async () => {
  for (let i = 0; i < 2; i++) {
    const run = await runK6('registration-race', { ...targets(healthy), RACE_PANS: '4', RACE_USERS_PER_PAN: '10' });
    const r = assertPass(run);
    assert.equal(counter(r, 'race_created'), 4);
    assert.equal(counter(r, 'race_conflict'), 36);
    assert.equal(r.thresholds.filter((t) => t.metric.startsWith('race_created{pan_group:')).length, 4);
  }
});

test('registration race without the UNIQUE(pan) constraint fails the gate on race_created', async () => {
  await withSandbox({ SANDBOX_FAULTS: 'no_unique_pan' }, async (s) => {
    const run = await runK6('registration-race', { ...targets(s), RACE_USERS: '20' });
    const r = assertBreached(run, 'race_created');
    assert.ok(counter(r, 'race_created')! > 1, `created ${counter(r, 'race_created')}`);
  });
});

test('registration race: bad RACE_* values stop k6 before load, naming the variable', async () => {
  const run = await runK6('registration-race', { RACE_PANS: '3', RACE_USERS: '100' });
  assert.equal(run.code, 107, diag(run));
  assert.match(run.stderr, /RACE_USERS \(100\) must be a multiple of RACE_PANS \(3\)/);
});

test('an unreachable target stops an integrity scenario in setup with a clear message', async () => {
  const run = await runK6('registration-race', { BANKING_API_URL: 'http://127.0.0.1:9', RACE_USERS: '10' });
  assert.equal(run.code, 108, diag(run));
  assert.match(run.stderr, /target unreachable: BANKING_API_URL=http:\/\/127\.0\.0\.1:9/);
  // a bare `k6 run` too: handleSummary sees that setup() never completed
  assert.equal(run.report?.verdict, 'error', diag(run));
});

test('a rejected token stops an integrity scenario before load and is never printed', async () => {
  const run = await runK6('audit', { ...targets(healthy), AUTH_TOKEN: 'wrong-token-value' });
  assert.equal(run.code, 108, diag(run));
  assert.match(run.stderr, /AUTH_TOKEN was rejected/);
  assert.doesNotMatch(run.stdout + run.stderr, /wrong-token-value/);
  assert.equal(run.report?.verdict, 'error', diag(run));
});

// ------------------------------------------------------------------------------------ rate limit

test('rate limit: up to the limit served, the excess 429 with Retry-After, served again after waiting', async () => {
  await withSandbox({ SANDBOX_RATE_LIMIT: '20/1s' }, async (s) => {
    const run = await runK6('rate-limit', { ...targets(s), RATE_LIMIT: '20/1s' });
    const r = assertPass(run);
    const observed = (m: string) => r.thresholds.find((t) => t.metric === m)?.observed;
    for (const m of ['under_limit_ok', 'over_limit_429', 'retry_after_valid', 'recovered_after_wait']) assert.equal(observed(m), 1, m);
    assert.equal(r.requests.count, 2 + 20 + 10 + 1, 'setup probe (2) + limit + default excess (10) + recovery');
  });
});

test('rate limit: a target that does not limit fails the gate on over_limit_429', async () => {
  await withSandbox({ SANDBOX_RATE_LIMIT: '20/1s', SANDBOX_FAULTS: 'no_rate_limit' }, async (s) => {
    const run = await runK6('rate-limit', { ...targets(s), RATE_LIMIT: '20/1s' });
    assertBreached(run, 'over_limit_429');
  });
});

test('rate limit: RATE_LIMIT missing or malformed stops k6 before load', async () => {
  const missing = await runK6('rate-limit', {});
  assert.equal(missing.code, 107, diag(missing));
  assert.match(missing.stderr, /RATE_LIMIT is not set/);
  const malformed = await runK6('rate-limit', { RATE_LIMIT: '20 per second' });
  assert.equal(malformed.code, 107, diag(malformed));
  assert.match(malformed.stderr, /RATE_LIMIT must look like '<requests>\/<window>'/);
});

// ------------------------------------------------------------------------------- data generation

test('data generation: streams every record, with TTFB, total time and throughput measured', async () => {
  const run = await runK6('data-generation', { ...targets(healthy), ...STREAM_ONLY, GEN_RECORDS: '20000', GEN_REQUESTS: '2' });
  const r = assertPass(run);
  assert.equal(counter(r, 'gen_streams_complete'), 2);
  assert.equal(counter(r, 'gen_records'), 40000);
  assert.ok(counter(r, 'gen_bytes')! > 40000 * 100);
  const ttfb = r.thresholds.find((t) => t.metric === 'http_req_waiting{name:POST /api/v1/data/generate}');
  assert.ok(ttfb && ttfb.expression === 'p(95)<5000' && ttfb.observed !== null, JSON.stringify(ttfb));
});

test('data generation, concurrent triggers: only 2xx, 409, 429 or 503', async () => {
  // Large enough that a generation is still streaming when the others arrive.
  const run = await runK6('data-generation', { ...targets(healthy), ...STREAM_ONLY, GEN_CONCURRENCY: '4', GEN_RECORDS: '200000' });
  const r = assertPass(run);
  assert.equal(counter(r, 'gen_unacceptable_status'), 0);
  assert.equal(counter(r, 'gen_streams_complete')! + counter(r, 'gen_rejected')!, 4);
  assert.ok(counter(r, 'gen_streams_complete')! >= 1);
  assert.match(run.stdout, /data-generation \/ concurrent-4: PASS/);
});

test('data generation: a first byte later than the TTFB budget fails the gate on http_req_waiting', async () => {
  await withSandbox({ SANDBOX_FAULTS: 'ttfb=6s@POST /api/v1/data/generate' }, async (s) => {
    const run = await runK6('data-generation', { ...targets(s), ...STREAM_ONLY, GEN_REQUESTS: '1', GEN_RECORDS: '1000' });
    const r = assertBreached(run, 'http_req_waiting{name:POST /api/v1/data/generate}');
    const ttfb = r.thresholds.find((t) => t.metric.startsWith('http_req_waiting'));
    assert.ok(ttfb && ttfb.observed! >= 6000, JSON.stringify(ttfb));
  });
});

// ------------------------------------------------------------------------------------------ audit

test('audit: the chain verifies and every acknowledged change is stored, exactly, on a quiet sandbox', async () => {
  const beforeStats = await sandboxStats(healthy.paymentUrl);
  const run = await runK6('audit', { ...targets(healthy), ...FAST, AUDIT_VUS: '3', AUDIT_DURATION: '4s', AUDIT_QUIET: 'true' });
  const r = assertPass(run);
  const afterStats = await sandboxStats(healthy.paymentUrl);
  assert.equal(afterStats.payments! - beforeStats.payments!, counter(r, 'payments_created'));
  assert.equal(afterStats.refunds! - beforeStats.refunds!, counter(r, 'refunds_created'));
  assert.equal(afterStats.users! - beforeStats.users!, counter(r, 'users_registered'));
  for (const m of ['missing_payments', 'missing_refunds', 'missing_users', 'audit_entries_missing']) assert.equal(counter(r, m), 0, m);
  assert.ok(counter(r, 'payments_created')! > 0 && counter(r, 'refunds_created')! > 0 && counter(r, 'users_registered')! > 0);
});

test('audit: a row tampered with during the run fails the gate on audit_chain_valid', async () => {
  await withSandbox({}, async (s) => {
    const pending = runK6('audit', { ...targets(s), ...FAST, AUDIT_VUS: '2', AUDIT_DURATION: '4s' });
    // Wait until the run has written audit entries, then rewrite the newest one behind the service's back.
    let seq = 0;
    for (let i = 0; i < 100 && seq < 5; i++) {
      await delay(100);
      seq = (await sandboxStats(s.paymentUrl)).audit_entries ?? 0;
    }
    assert.ok(seq >= 5, 'the run wrote audit entries');
    const res = await fetch(`${s.bankingUrl}/admin/audit/tamper`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ seq }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { tampered_seq: seq });
    const run = await pending;
    assertBreached(run, 'audit_chain_valid');
    assert.match(run.stderr, new RegExp(`first invalid entry seq=${seq}\\b`));
  });
});
