/**
 * Money under concurrency: each racy switch (no_idempotency_lock, racy_refunds, racy_captures) changes the
 * outcome of a race, and without it the same race is exact; float_amounts makes the stored money drift. The races here are Promise.all bursts against
 * the in-process sandbox; the k6 scenarios (idempotency, double-spend) run the same races over the network.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../../sandbox/server.ts';
import { authorizationBody, Client, paymentBody, start, type Res } from './helpers.ts';

const M = 8;

function statusCounts(results: Res[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

describe('money races', () => {
  let sb: Sandbox;
  let api: Client;
  before(async () => {
    ({ sb, api } = await start());
  });
  after(() => sb.close());

  async function withSwitch<T>(spec: string, fn: () => Promise<T>): Promise<T> {
    await api.bank('PUT', '/admin/faults', { body: { spec } });
    try {
      return await fn();
    } finally {
      await api.bank('DELETE', '/admin/faults');
    }
  }

  const burst = (fn: (i: number) => Promise<Res>): Promise<Res[]> => Promise.all(Array.from({ length: M }, (_, i) => fn(i)));

  async function idempotencyRace(key: string, merchant: string) {
    const body = paymentBody({ merchant_id: merchant, amount: 777 });
    const results = await burst(() => api.pay('POST', '/api/v1/payments', { body, headers: { 'idempotency-key': key } }));
    const stored = (await api.pay('GET', `/api/v1/merchants/${merchant}/transactions?limit=100`)).body.data.length as number;
    return { results, ids: new Set(results.map((r) => r.body.id)).size, stored };
  }

  test('payments: one key raced by 8 -> one stored payment; no_idempotency_lock -> 8', async () => {
    const exact = await idempotencyRace('money-idem-exact', 'merch_money_exact');
    assert.deepEqual(statusCounts(exact.results), { 201: M });
    assert.equal(exact.ids, 1);
    assert.equal(exact.stored, 1);
    assert.equal(exact.results.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, M - 1);

    const racy = await withSwitch('no_idempotency_lock', () => idempotencyRace('money-idem-racy', 'merch_money_racy'));
    assert.deepEqual(statusCounts(racy.results), { 201: M }, 'every racer still sees 201');
    assert.equal(racy.ids, M, 'but each got its own payment');
    assert.equal(racy.stored, M);
    // The key still rejects a different body, switch or not: the race is the only thing the switch breaks.
    const reused = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ merchant_id: 'merch_money_racy', amount: 778 }), headers: { 'idempotency-key': 'money-idem-racy' } });
    assert.equal(reused.status, 409);
    assert.equal(reused.body.error.code, 'idempotency_key_reused');
  });

  test('authorizations take an Idempotency-Key: replay, reuse 409, and the race; no_idempotency_lock breaks it', async () => {
    const before = (await api.bank('GET', '/api/v1/stats')).body.authorizations as number;
    const body = authorizationBody({ amount: 4321 });
    const headers = { 'idempotency-key': 'money-auth-1' };
    const results = await burst(() => api.bank('POST', '/api/v1/authorizations', { body, headers }));
    assert.deepEqual(statusCounts(results), { 201: M });
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    assert.equal(results.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, M - 1);
    assert.equal((await api.bank('GET', '/api/v1/stats')).body.authorizations, before + 1);
    const reused = await api.bank('POST', '/api/v1/authorizations', { body: { ...body, amount: 4322 }, headers });
    assert.equal(reused.status, 409);
    assert.equal(reused.body.error.code, 'idempotency_key_reused');

    const racy = await withSwitch('no_idempotency_lock', () =>
      burst(() => api.bank('POST', '/api/v1/authorizations', { body, headers: { 'idempotency-key': 'money-auth-2' } })),
    );
    assert.equal(new Set(racy.map((r) => r.body.id)).size, M);
  });

  async function refundRace(amountEach: number | undefined) {
    const p = (await api.pay('POST', '/api/v1/payments', { body: paymentBody({ amount: 1000, currency: 'SEK' }) })).body;
    const results = await burst(() => api.pay('POST', `/api/v1/payments/${p.id}/refunds`, { body: amountEach === undefined ? {} : { amount: amountEach } }));
    const acknowledged = results.filter((r) => r.status === 201).reduce((sum, r) => sum + (r.body.amount as number), 0);
    const row = sb.db.prepare('SELECT COALESCE(SUM(amount), 0) AS s FROM payment_refunds WHERE payment_id = ?').get(p.id) as { s: number };
    return { counts: statusCounts(results), acknowledged, stored: row.s };
  }

  test('payment refunds: full and partial races stay within the amount; racy_refunds refunds more than was paid', async () => {
    assert.deepEqual(await refundRace(undefined), { counts: { 201: 1, 422: M - 1 }, acknowledged: 1000, stored: 1000 });
    assert.deepEqual(await refundRace(300), { counts: { 201: 3, 422: M - 3 }, acknowledged: 900, stored: 900 });

    const racyFull = await withSwitch('racy_refunds', () => refundRace(undefined));
    assert.deepEqual(racyFull.counts, { 201: M });
    assert.equal(racyFull.stored, M * 1000);
    const racyPartial = await withSwitch('racy_refunds', () => refundRace(300));
    assert.ok(racyPartial.stored > 1000, `stored ${racyPartial.stored}`);
  });

  test('stats: per-currency sums come from the rows, so a lost update still shows in them', async () => {
    const sek = (await api.pay('GET', '/api/v1/stats')).body.by_currency.SEK;
    const rows = sb.db.prepare("SELECT COALESCE(SUM(r.amount), 0) AS s FROM payment_refunds r JOIN payments p ON p.id = r.payment_id WHERE p.currency = 'SEK'").get() as { s: number };
    assert.equal(sek.refunded_amount, rows.s);
    assert.ok(sek.refunded_amount > sek.payment_amount, 'the racy refunds above paid out more than was taken');
  });

  async function captureAndRefundRace() {
    const a = (await api.bank('POST', '/api/v1/authorizations', { body: authorizationBody({ amount: 5000, currency: 'NOK' }) })).body;
    const captures = await burst(() => api.bank('POST', `/api/v1/authorizations/${a.id}/capture`, { body: {} }));
    const refunds = await burst(() => api.bank('POST', '/api/v1/refunds', { body: { transaction_id: a.id, amount: 2000 } }));
    const row = sb.db.prepare('SELECT COALESCE(SUM(amount), 0) AS s FROM banking_refunds WHERE transaction_id = ?').get(a.id) as { s: number };
    return { captures: statusCounts(captures), refunds: statusCounts(refunds), refunded: row.s };
  }

  test('banking: one capture wins and refunds stop at the captured amount; racy_captures and racy_refunds break each', async () => {
    assert.deepEqual(await captureAndRefundRace(), { captures: { 200: 1, 409: M - 1 }, refunds: { 201: 2, 422: M - 2 }, refunded: 4000 });
    const racyCaptures = await withSwitch('racy_captures', captureAndRefundRace);
    assert.deepEqual(racyCaptures.captures, { 200: M });
    assert.equal(racyCaptures.refunded, 4000, 'racy_captures alone leaves refunds exact');
    const racyRefunds = await withSwitch('racy_refunds', captureAndRefundRace);
    assert.deepEqual(racyRefunds.captures, { 200: 1, 409: M - 1 }, 'racy_refunds alone leaves captures exact');
    assert.equal(racyRefunds.refunded, M * 2000);
  });

  test('float_amounts: the answer echoes the amount, the stored payment and by_currency drift from it', async () => {
    const paid = async () => {
      const before = (await api.pay('GET', '/api/v1/stats')).body.by_currency.DKK?.payment_amount ?? 0;
      const p = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ amount: 1234, currency: 'DKK' }) });
      const after = (await api.pay('GET', '/api/v1/stats')).body.by_currency.DKK.payment_amount as number;
      return { answered: p.body.amount, stored: (await api.pay('GET', `/api/v1/payments/${p.body.id}`)).body.amount, sum: after - before };
    };
    assert.deepEqual(await paid(), { answered: 1234, stored: 1234, sum: 1234 });
    assert.deepEqual(await withSwitch('float_amounts', paid), { answered: 1234, stored: 1230, sum: 1230 });
  });

  test('the switches parse, show in GET /admin/faults, and clear', async () => {
    const set = await api.bank('PUT', '/admin/faults', { body: { spec: 'float_amounts; no_idempotency_lock; racy_refunds; racy_captures' } });
    assert.equal(set.body.spec, 'no_idempotency_lock; racy_refunds; racy_captures; float_amounts');
    const cleared = await api.bank('DELETE', '/admin/faults');
    assert.equal(cleared.body.spec, '');
  });
});
