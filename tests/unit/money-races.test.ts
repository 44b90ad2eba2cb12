import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, EnvReader } from '../../lib/config.ts';
import { currencyDeltas, readCurrencies, RECONCILED } from '../../lib/reconciliation.ts';
import { doubleSpendExpectation, moneyOutcome, partialPlan, RACE_CONTRACT, readDoubleSpendPlan } from '../../lib/races/double-spend.ts';
import { canonicalJson, isReplayHeader, readIdempotencyPlan, sameJson } from '../../lib/races/idempotency.ts';
import { raceSlot } from '../../lib/races/slots.ts';
import { auditThresholds, reconMetric } from '../../thresholds/audit.ts';
import { doubleSpendThresholds } from '../../thresholds/double-spend.ts';
import { idempotencyThresholds } from '../../thresholds/idempotency.ts';

function read<T>(env: Record<string, string>, f: (r: EnvReader) => T): T {
  const r = new EnvReader(env);
  const v = f(r);
  r.done();
  return v;
}

test('idempotency plan: defaults, APIs, and errors naming the variable', () => {
  assert.deepEqual(read({}, readIdempotencyPlan), { keys: 5, racersPerKey: 10, apis: ['payment', 'banking'], groups: 10, vus: 100 });
  assert.deepEqual(read({ IDEM_KEYS: '3', IDEM_RACERS_PER_KEY: '4', IDEM_APIS: 'banking' }, readIdempotencyPlan), {
    keys: 3,
    racersPerKey: 4,
    apis: ['banking'],
    groups: 3,
    vus: 12,
  });
  assert.throws(() => read({ IDEM_APIS: 'ledger' }, readIdempotencyPlan), (e: unknown) => e instanceof ConfigError && /IDEM_APIS lists 'ledger'/.test(e.message));
  assert.throws(() => read({ IDEM_RACERS_PER_KEY: '1' }, readIdempotencyPlan), /IDEM_RACERS_PER_KEY/);
  assert.throws(() => read({ IDEM_KEYS: '100', IDEM_RACERS_PER_KEY: '100' }, readIdempotencyPlan), /20000 VUs; at most 2000/);
});

test('race slots interleave VUs over the groups', () => {
  assert.deepEqual([1, 2, 3, 4, 5].map((v) => raceSlot(v, 2)), [
    { group: 0, racer: 0 },
    { group: 1, racer: 0 },
    { group: 0, racer: 1 },
    { group: 1, racer: 1 },
    { group: 0, racer: 2 },
  ]);
});

test('double-spend plan and the partial race amounts overshoot by design', () => {
  const p = read({}, readDoubleSpendPlan);
  assert.deepEqual(p, { racers: 10, rounds: 5, races: ['full_refund', 'partial_refund', 'capture', 'bank_refund'], vus: 40, roundMs: 600 });
  assert.deepEqual(read({ DS_RACES: 'capture, full_refund', DS_RACERS: '3' }, readDoubleSpendPlan).races, ['capture', 'full_refund']);
  assert.throws(() => read({ DS_RACES: 'cash' }, readDoubleSpendPlan), /DS_RACES lists 'cash'/);
  for (const m of [2, 3, 10, 101]) {
    const { amount, part, winners } = partialPlan(m);
    assert.equal(amount, part * winners);
    assert.ok(m * part > amount, `M=${m}: the racers ask for more than the amount`);
    assert.equal(Math.floor(amount / part), winners);
  }
  assert.deepEqual(doubleSpendExpectation('full_refund', 10), { won: 1, refused: 9 });
  assert.deepEqual(doubleSpendExpectation('partial_refund', 10), { won: 5, refused: 5 });
  assert.equal(moneyOutcome(409, RACE_CONTRACT.capture), 'refused');
  assert.equal(moneyOutcome(201, RACE_CONTRACT.capture), 'other');
  assert.equal(moneyOutcome(0, RACE_CONTRACT.full_refund), 'other');
  assert.equal(moneyOutcome(503, RACE_CONTRACT.full_refund), 'server_error');
});

test('answers compare by content, whatever the key order', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }] }), '{"a":[{"c":"x","d":null}],"b":1}');
  assert.ok(sameJson({ id: 'p', amount: 1 }, { amount: 1, id: 'p' }));
  assert.ok(!sameJson({ id: 'p' }, { id: 'q' }));
  assert.ok(isReplayHeader('true') && isReplayHeader(['True']) && !isReplayHeader(undefined) && !isReplayHeader('false'));
});

test('idempotency thresholds: one fresh answer per key, the rest replays', () => {
  const t = idempotencyThresholds(read({ IDEM_KEYS: '2', IDEM_RACERS_PER_KEY: '5' }, readIdempotencyPlan), 300);
  assert.deepEqual(t.idem_fresh, ['count==4']);
  assert.deepEqual(t.idem_replayed, ['count==16']);
  assert.deepEqual(t.idem_duplicates, ['count==0']);
  assert.deepEqual(t.idem_release_lag_ms, ['max<300']);
});

test('double-spend thresholds: winners and refusals per race over R rounds; the server total only on a quiet target', () => {
  const plan = read({ DS_RACERS: '6', DS_ROUNDS: '3' }, readDoubleSpendPlan);
  const t = doubleSpendThresholds(plan, { quiet: false });
  assert.deepEqual(t.ds_full_refund_won, ['count==3']);
  assert.deepEqual(t.ds_full_refund_refused, ['count==15']);
  assert.deepEqual(t.ds_partial_refund_won, ['count==9']);
  assert.deepEqual(t.ds_capture_refused, ['count==15']);
  assert.equal(t.ds_server_refund_excess_minor, undefined);
  assert.deepEqual(doubleSpendThresholds(plan, { quiet: true }).ds_server_refund_excess_minor, ['count==0']);
});

test('reconciliation: per-currency deltas, RECON_CURRENCIES, one threshold per kind and currency', () => {
  const before = { EUR: { payment_amount: 100, refunded_amount: 0 } };
  const after = { EUR: { payment_amount: 350, refunded_amount: 20 }, GBP: { payment_amount: 7 } };
  assert.deepEqual(currencyDeltas(before, after, 'payment_amount'), { EUR: 250, GBP: 7 });
  assert.deepEqual(currencyDeltas(before, after, 'refunded_amount'), { EUR: 20, GBP: 0 });
  assert.equal(currencyDeltas(null, after, 'payment_amount'), null);
  assert.deepEqual(read({ RECON_CURRENCIES: 'EUR, USD,EUR' }, readCurrencies), ['EUR', 'USD']);
  assert.equal(read({}, readCurrencies), null);
  assert.throws(() => read({ RECON_CURRENCIES: 'euro' }, readCurrencies), /RECON_CURRENCIES must list currency codes/);
  const t = auditThresholds({ quiet: true, currencies: ['EUR', 'USD'] });
  assert.deepEqual(t[reconMetric('refunds', 'USD')], ['count==0']);
  assert.equal(Object.keys(t).filter((k) => k.startsWith('recon_minor{')).length, 2 * Object.keys(RECONCILED).length);
  assert.deepEqual(auditThresholds({ quiet: false, currencies: ['EUR'] })[reconMetric('payments', 'EUR')], ['count<=0']);
});
