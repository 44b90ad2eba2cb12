/** Integrity under concurrency: PAN uniqueness race and concurrent idempotent retries. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../../sandbox/server.ts';
import { Client, paymentBody, start } from './helpers.ts';

describe('concurrency', () => {
  let sb: Sandbox;
  let api: Client;
  before(async () => {
    ({ sb, api } = await start());
  });
  after(() => sb.close());

  test('100 concurrent registrations of one PAN -> exactly one 201 and 99 409 (x5)', async () => {
    for (let round = 0; round < 5; round++) {
      const pan = `RACEP${String(1000 + round)}Z`;
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => api.bank('POST', '/api/v1/users', { body: { name: `racer ${i}`, pan } })),
      );
      const counts = new Map<number, number>();
      for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      assert.deepEqual(Object.fromEntries(counts), { 201: 1, 409: 99 }, `round ${round}`);
      const rows = sb.db.prepare('SELECT COUNT(*) AS n FROM users WHERE pan = ?').get(pan) as { n: number };
      assert.equal(rows.n, 1);
    }
  });

  test('the UNIQUE constraint lives in the database schema', () => {
    const ddl = (sb.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'users'").get() as { sql: string }).sql;
    assert.match(ddl, /pan\s+TEXT NOT NULL UNIQUE/);
    assert.throws(
      () => sb.db.prepare("INSERT INTO users (id, name, pan, created_at) VALUES ('usr_x', 'x', 'RACEP1000Z', 'now')").run(),
      /UNIQUE constraint failed: users.pan/,
    );
  });

  test('same Idempotency-Key sent 10x concurrently -> one stored payment, identical bodies', async () => {
    const before = (await api.pay('GET', '/api/v1/stats')).body.payments as number;
    const body = paymentBody({ amount: 4242, merchant_id: 'merch_idem' });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api.pay('POST', '/api/v1/payments', { body, headers: { 'idempotency-key': 'idem-concurrent-1' } })),
    );
    assert.ok(results.every((r) => r.status === 201));
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    assert.equal(results.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 9);
    const stats = await api.pay('GET', '/api/v1/stats');
    assert.equal(stats.body.payments, before + 1);
    const list = await api.pay('GET', '/api/v1/merchants/merch_idem/transactions');
    assert.equal(list.body.data.length, 1);
  });

  test('concurrent refunds never exceed the captured amount', async () => {
    const p = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ amount: 1000 }) });
    const results = await Promise.all(
      Array.from({ length: 30 }, () => api.pay('POST', `/api/v1/payments/${p.body.id}/refunds`, { body: { amount: 100 } })),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 10);
    assert.equal(results.filter((r) => r.status === 422).length, 20);
    const got = await api.pay('GET', `/api/v1/payments/${p.body.id}`);
    assert.equal(got.body.refunded_amount, 1000);
    assert.equal(got.body.status, 'refunded');
  });

  test('no_unique_pan fault lets duplicates through (proves the gate can go red)', async () => {
    await api.bank('PUT', '/admin/faults', { body: { spec: 'no_unique_pan' } });
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => api.bank('POST', '/api/v1/users', { body: { name: 'dup', pan: 'DUPES1234D' } })),
      );
      assert.ok(results.every((r) => r.status === 201));
    } finally {
      await api.bank('DELETE', '/admin/faults');
    }
    const r = await api.bank('POST', '/api/v1/users', { body: { name: 'dup', pan: 'DUPES1234D' } });
    assert.equal(r.status, 201, 'the real table never saw the PAN');
    const again = await api.bank('POST', '/api/v1/users', { body: { name: 'dup', pan: 'DUPES1234D' } });
    assert.equal(again.status, 409);
  });
});
