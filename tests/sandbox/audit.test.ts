/** Audit hash chain: every state change is recorded; verification detects tampering. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { canonicalJson } from '../../sandbox/audit.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { Client, authorizationBody, paymentBody, start } from './helpers.ts';

describe('audit log', () => {
  let sb: Sandbox;
  let api: Client;
  before(async () => {
    ({ sb, api } = await start());
  });
  after(() => sb.close());

  test('canonical JSON sorts keys recursively', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}');
  });

  test('every state change on both services appends one entry; chain verifies', async () => {
    const p = await api.pay('POST', '/api/v1/payments', { body: paymentBody() });
    await api.pay('POST', `/api/v1/payments/${p.body.id}/refunds`, { body: { amount: 10 } });
    const a = await api.bank('POST', '/api/v1/authorizations', { body: authorizationBody() });
    await api.bank('POST', `/api/v1/authorizations/${a.body.id}/capture`);
    await api.bank('POST', '/api/v1/refunds', { body: { transaction_id: a.body.id, amount: 5 } });
    await api.bank('POST', '/api/v1/users', { body: { name: 'Audit', pan: 'AUDIT1234A' } });
    // failures change nothing and are not audited
    await api.bank('POST', '/api/v1/users', { body: { name: 'Audit', pan: 'AUDIT1234A' } });
    await api.pay('POST', '/api/v1/payments', { body: paymentBody({ card: { number: '4000000000000002', exp_month: 1, exp_year: 2040, cvv: '111' } }) });

    const rows = sb.db.prepare('SELECT seq, type, entity_id, prev_hash, hash FROM audit_log ORDER BY seq').all() as {
      seq: number; type: string; entity_id: string; prev_hash: string; hash: string;
    }[];
    assert.deepEqual(rows.map((r) => r.type), [
      'payment.created', 'payment.refunded', 'authorization.created', 'authorization.captured', 'refund.created', 'user.registered',
    ]);
    assert.deepEqual(rows.map((r) => r.seq), [1, 2, 3, 4, 5, 6]);
    assert.equal(rows[0]?.prev_hash, '0'.repeat(64));
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i]?.prev_hash, rows[i - 1]?.hash);
    assert.equal(rows[0]?.entity_id, p.body.id);

    const v = await api.bank('GET', '/api/v1/audit/verify');
    assert.deepEqual(v.body, { valid: true, entries: 6, first_invalid_seq: null });
    assert.equal((await api.pay('GET', '/api/v1/stats')).body.audit_entries, 6);
  });

  test('tampering via the admin endpoint is detected at that seq', async () => {
    const t = await api.pay('POST', '/admin/audit/tamper', { body: { seq: 3 } });
    assert.equal(t.status, 200);
    const v = await api.bank('GET', '/api/v1/audit/verify');
    assert.deepEqual(v.body, { valid: false, entries: 6, first_invalid_seq: 3 });
  });

  test('direct SQL edits of any column or a deleted middle row are detected', async () => {
    const fresh = await start();
    try {
      const c = new Client(fresh.sb);
      for (let i = 0; i < 4; i++) await c.bank('POST', '/api/v1/users', { body: { name: `u${i}`, pan: `ABCDE123${i}F` } });
      assert.equal((await c.bank('GET', '/api/v1/audit/verify')).body.valid, true);
      fresh.sb.db.prepare("UPDATE audit_log SET entity_id = 'usr_forged' WHERE seq = 2").run();
      assert.deepEqual((await c.bank('GET', '/api/v1/audit/verify')).body, { valid: false, entries: 4, first_invalid_seq: 2 });
      fresh.sb.db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
      assert.deepEqual((await c.bank('GET', '/api/v1/audit/verify')).body, { valid: false, entries: 3, first_invalid_seq: 3 });
    } finally {
      await fresh.sb.close();
    }
  });
});

test('canonicalJson handles any nesting depth without recursion', () => {
  let deep: unknown = 'leaf';
  for (let i = 0; i < 50_000; i++) deep = i % 2 === 0 ? { b: deep, a: [] } : [deep, null];
  const text = canonicalJson(deep);
  assert.ok(text.startsWith('[{"a":[],"b":[{"a":[],"b":'));
  assert.equal(canonicalJson({ z: 1, a: { y: [undefined, 2], x: undefined } }), '{"a":{"y":[null,2]},"z":1}');
});
