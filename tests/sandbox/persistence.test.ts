/** Data persists across restarts with a file database. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { authorizationBody, paymentBody, start } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'sandbox-persist-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('payments, users, idempotency keys and the audit chain survive a restart', async () => {
  const dbPath = join(dir, 'sandbox.db');
  const first = await start({ dbPath });
  const p = await first.api.pay('POST', '/api/v1/payments', { body: paymentBody({ amount: 321 }), headers: { 'idempotency-key': 'persist-1' } });
  assert.equal(p.status, 201);
  const u = await first.api.bank('POST', '/api/v1/users', { body: { name: 'Persist', pan: 'PERST1234P' } });
  assert.equal(u.status, 201);
  const a = await first.api.bank('POST', '/api/v1/authorizations', { body: authorizationBody() });
  assert.equal((first.sb.db.pragma('journal_mode', { simple: true }) as string).toLowerCase(), 'wal');
  await first.sb.close();
  assert.ok(existsSync(dbPath));

  const second = await start({ dbPath });
  try {
    const got = await second.api.pay('GET', `/api/v1/payments/${p.body.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, p.body);
    const replay = await second.api.pay('POST', '/api/v1/payments', { body: paymentBody({ amount: 321 }), headers: { 'idempotency-key': 'persist-1' } });
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.body.id, p.body.id);
    const dup = await second.api.bank('POST', '/api/v1/users', { body: { name: 'Again', pan: 'PERST1234P' } });
    assert.equal(dup.status, 409);
    const cap = await second.api.bank('POST', `/api/v1/authorizations/${a.body.id}/capture`);
    assert.equal(cap.status, 200);
    const v = await second.api.bank('GET', '/api/v1/audit/verify');
    assert.deepEqual(v.body, { valid: true, entries: 4, first_invalid_seq: null });
    const stats = await second.api.pay('GET', '/api/v1/stats');
    assert.equal(stats.body.payments, 1);
    assert.equal(stats.body.users, 1);
  } finally {
    await second.sb.close();
  }
});

test('an in-memory database starts empty every time', async () => {
  for (let i = 0; i < 2; i++) {
    const s = await start();
    try {
      assert.equal((await s.api.pay('GET', '/api/v1/stats')).body.payments, 0);
      await s.api.pay('POST', '/api/v1/payments', { body: paymentBody() });
    } finally {
      await s.sb.close();
    }
  }
});
