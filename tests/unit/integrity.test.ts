import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, EnvReader } from '../../lib/config.ts';
import { isValidPan } from '../../lib/data/pan.ts';
import { parseRetryAfter } from '../../lib/endpoints.ts';
import { runPan, runPanSeries } from '../../lib/data/run-pans.ts';
import { GEN_ACCEPTABLE_STATUSES, generationStatusAcceptable, summarizeNdjson } from '../../lib/generation-stream.ts';
import { raceExpectation, raceGroup, raceOutcome, readRacePlan } from '../../lib/races/registration.ts';
import { defaultExcess, parseRateLimit, readRateLimit } from '../../lib/rate-limit.ts';
import { statDelta, storedAdjustment } from '../../lib/reconciliation.ts';
import { auditThresholds } from '../../thresholds/audit.ts';
import { generationThresholds } from '../../thresholds/data-generation.ts';
import { raceThresholds } from '../../thresholds/registration-race.ts';

function read<T>(env: Record<string, string>, f: (r: EnvReader) => T): T {
  const r = new EnvReader(env);
  const v = f(r);
  r.done();
  return v;
}

function problems(env: Record<string, string>, f: (r: EnvReader) => unknown): string {
  try {
    read(env, f);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

test('race plan: 100 racers for one PAN by default; K PANs x M racers', () => {
  assert.deepEqual(read({}, readRacePlan), { pans: 1, usersPerPan: 100, vus: 100 });
  assert.deepEqual(read({ RACE_USERS: '10' }, readRacePlan), { pans: 1, usersPerPan: 10, vus: 10 });
  assert.deepEqual(read({ RACE_PANS: '5', RACE_USERS_PER_PAN: '20' }, readRacePlan), { pans: 5, usersPerPan: 20, vus: 100 });
  assert.deepEqual(read({ RACE_PANS: '4', RACE_USERS: '100' }, readRacePlan), { pans: 4, usersPerPan: 25, vus: 100 });
  assert.deepEqual(read({ RACE_PANS: '2', RACE_USERS_PER_PAN: '3', RACE_USERS: '6' }, readRacePlan), { pans: 2, usersPerPan: 3, vus: 6 });
});

test('race plan: bad values are named', () => {
  assert.match(problems({ RACE_USERS: 'lots' }, readRacePlan), /RACE_USERS must be an integer/);
  assert.match(problems({ RACE_PANS: '3', RACE_USERS: '100' }, readRacePlan), /RACE_USERS \(100\) must be a multiple of RACE_PANS \(3\)/);
  assert.match(problems({ RACE_USERS_PER_PAN: '1' }, readRacePlan), /RACE_USERS_PER_PAN must be an integer in 2\.\./);
  assert.match(problems({ RACE_PANS: '2', RACE_USERS_PER_PAN: '3', RACE_USERS: '7' }, readRacePlan), /RACE_USERS \(7\) must equal RACE_PANS x RACE_USERS_PER_PAN/);
  assert.match(problems({ RACE_PANS: '100', RACE_USERS_PER_PAN: '100' }, readRacePlan), /10000 VUs; at most 2000/);
});

test('race: VUs interleave over the PANs; outcomes and expectations', () => {
  const plan = { pans: 3, usersPerPan: 4, vus: 12 };
  const groups = Array.from({ length: 12 }, (_, i) => raceGroup(i + 1, plan));
  for (let g = 0; g < 3; g++) assert.equal(groups.filter((x) => x === g).length, 4);
  assert.deepEqual(groups.slice(0, 4), [0, 1, 2, 0]);
  assert.equal(raceOutcome(201), 'created');
  assert.equal(raceOutcome(409), 'conflict');
  assert.equal(raceOutcome(500), 'server_error');
  assert.equal(raceOutcome(503), 'server_error');
  assert.equal(raceOutcome(200), 'other');
  assert.equal(raceOutcome(422), 'other');
  assert.equal(raceOutcome(0), 'other');
  assert.deepEqual(raceExpectation(plan), { created: 3, conflict: 9, server_error: 0, other: 0 });
});

test('race thresholds state the exact outcome, per PAN when there are a few', () => {
  const one = raceThresholds({ pans: 1, usersPerPan: 100, vus: 100 }, 500);
  assert.deepEqual(one.race_created, ['count==1']);
  assert.deepEqual(one.race_conflict, ['count==99']);
  assert.deepEqual(one.race_server_error, ['count==0']);
  assert.deepEqual(one.race_other, ['count==0']);
  assert.deepEqual(one.race_release_lag_ms, ['max<500']);
  assert.equal(Object.keys(one).some((k) => k.includes('pan_group')), false);
  const five = raceThresholds({ pans: 5, usersPerPan: 20, vus: 100 });
  assert.deepEqual(five.race_created, ['count==5']);
  assert.deepEqual(five.race_conflict, ['count==95']);
  for (let g = 0; g < 5; g++) assert.deepEqual(five[`race_created{pan_group:${g}}`], ['count==1']);
});

test('run PANs: valid format, distinct within a run, disjoint between runs and scenarios', () => {
  const a = runPanSeries(1_700_000_000_000, 0.1);
  const b = runPanSeries(1_700_000_002_000, 0.1); // a run started 2 s later, same initial
  const pansA = Array.from({ length: 1000 }, (_, i) => runPan(a, i).pan);
  const pansB = Array.from({ length: 1000 }, (_, i) => runPan(b, i).pan);
  for (const p of [...pansA, ...pansB]) {
    assert.match(p, /^[A-Z]{5}[0-9]{4}[A-Z]$/);
    assert.ok(isValidPan(p), p);
  }
  assert.equal(new Set(pansA).size, 1000);
  const inA = new Set(pansA);
  assert.equal(pansB.filter((p) => inA.has(p)).length, 0);
  assert.equal(runPan(a, 0).pan.charAt(3), 'P');
  const company = runPanSeries(1_700_000_000_000, 0.1, 'C');
  assert.equal(runPan(company, 0).pan.charAt(3), 'C');
  assert.notEqual(runPan(company, 0).pan, runPan(a, 0).pan);
  assert.equal(runPan(a, 0).pan.charAt(4), runPan(a, 0).name.charAt(5));
});

test('rate limit: RATE_LIMIT is required and parsed like SANDBOX_RATE_LIMIT', () => {
  assert.deepEqual(parseRateLimit('20/1s'), { limit: 20, windowMs: 1000, text: '20/1s' });
  assert.deepEqual(parseRateLimit('100/s'), { limit: 100, windowMs: 1000, text: '100/s' });
  assert.deepEqual(parseRateLimit('6000/1m'), { limit: 6000, windowMs: 60_000, text: '6000/1m' });
  assert.deepEqual(parseRateLimit('5/500ms'), { limit: 5, windowMs: 500, text: '5/500ms' });
  for (const bad of ['', '20', '20/', '0/1s', '20/1x', 'twenty/1s', '-1/1s']) assert.equal(parseRateLimit(bad), null, bad);
  assert.match(problems({}, (r) => readRateLimit(r)), /RATE_LIMIT is not set; .*RATE_LIMIT=20\/1s/);
  assert.match(problems({ RATE_LIMIT: '20 per second' }, (r) => readRateLimit(r)), /RATE_LIMIT must look like '<requests>\/<window>'.*got '20 per second'/);
  assert.match(problems({ RATE_LIMIT: '5/1h' }, (r) => readRateLimit(r)), /window over 10m/);
  assert.equal(defaultExcess(20), 10);
  assert.equal(defaultExcess(2), 5);
  assert.equal(defaultExcess(100_000), 500);
});

test('Retry-After must be whole seconds >= 1', () => {
  assert.equal(parseRetryAfter('1'), 1);
  assert.equal(parseRetryAfter(' 30 '), 30);
  assert.equal(parseRetryAfter(['2']), 2);
  for (const bad of [undefined, null, '', '0', '-1', '1.5', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT']) assert.equal(parseRetryAfter(bad), null, String(bad));
});

test('data generation: acceptable statuses and NDJSON accounting', () => {
  for (const s of [200, 201, 206, 299, 409, 429, 503]) assert.ok(generationStatusAcceptable(s), String(s));
  for (const s of [0, 400, 404, 500, 502, 504]) assert.equal(generationStatusAcceptable(s), false, String(s));
  assert.deepEqual(
    [...new Set(GEN_ACCEPTABLE_STATUSES)].sort((a, b) => a - b).filter((s) => s >= 300),
    [409, 429, 503],
  );
  const body = [1, 2, 3].map((seq) => JSON.stringify({ seq, id: `txn_${seq}` })).join('\n') + '\n';
  assert.deepEqual(summarizeNdjson(body), { records: 3, bytes: body.length, framingOk: true });
  assert.equal(summarizeNdjson(body.trimEnd()).records, 3, 'no trailing newline');
  assert.equal(summarizeNdjson(body.slice(0, -8)).framingOk, false, 'truncated last record');
  assert.equal(summarizeNdjson('').framingOk, false);
  assert.equal(summarizeNdjson('{"seq":2}\n').framingOk, false, 'must start at seq 1');
});

test('data generation thresholds: TTFB and total per endpoint; sequential runs must all stream', () => {
  const seq = generationThresholds({ ttfbP95Ms: 5000, totalP95Ms: 600000, minRecordsPerSecond: null, concurrent: false, storage: null });
  assert.deepEqual(seq['http_req_waiting{name:POST /api/v1/data/generate}'], ['p(95)<5000']);
  assert.deepEqual(seq['http_req_duration{name:POST /api/v1/data/generate}'], ['p(95)<600000']);
  assert.deepEqual(seq.gen_unacceptable_status, ['count==0']);
  assert.deepEqual(seq.gen_rejected, ['count==0']);
  assert.equal(seq.gen_records_per_s, undefined);
  const conc = generationThresholds({ ttfbP95Ms: 200, totalP95Ms: 1000, minRecordsPerSecond: 5000, concurrent: true, storage: null });
  assert.equal(conc.gen_rejected, undefined);
  assert.deepEqual(conc.gen_records_per_s, ['min>=5000']);
  assert.deepEqual(conc['http_req_waiting{name:POST /api/v1/data/generate}'], ['p(95)<200']);
});

test('audit: acknowledged minus stored, failing closed without stats', () => {
  assert.equal(statDelta({ payments: 10 }, { payments: 15 }, 'payments'), 5);
  assert.equal(statDelta(null, { payments: 15 }, 'payments'), null);
  assert.equal(statDelta({ payments: 10 }, {}, 'payments'), null);
  // 7 acknowledged, 7 stored -> 0; 7 acknowledged, 5 stored -> 2 missing; no stats -> all 7 missing.
  assert.equal(7 + storedAdjustment(7), 0);
  assert.equal(7 + storedAdjustment(5), 2);
  assert.equal(7 + storedAdjustment(null), 7);
  const shared = auditThresholds({ quiet: false });
  const quiet = auditThresholds({ quiet: true });
  assert.deepEqual(shared.audit_chain_valid, ['rate==1']);
  for (const m of ['missing_payments', 'missing_refunds', 'missing_users', 'audit_entries_missing']) {
    assert.deepEqual(shared[m], ['count<=0'], m);
    assert.deepEqual(quiet[m], ['count==0'], m);
  }
});
