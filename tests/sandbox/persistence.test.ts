/** Data persists across restarts with a file database, also when the process is killed. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startSandboxProcess } from '../../cli/sandbox-process.ts';
import { authorizationBody, Client, paymentBody, start } from './helpers.ts';

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
  assert.equal((first.sb.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode.toLowerCase(), 'wal');
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

test('kill -9 while payments are in flight: every acknowledged payment and key is there after a restart', { timeout: 60_000 }, async () => {
  const env = { SANDBOX_DB: join(dir, 'killed.db') };
  const first = await startSandboxProcess(env);
  const api = new Client(first);
  const acknowledged: Array<{ id: string; key: string; body: Record<string, unknown> }> = [];
  let n = 0;
  let killed = false;
  // Eight writers in a loop; the process is killed under them once 150 payments are acknowledged,
  // so some requests are mid-transaction at the kill.
  const writer = async () => {
    while (!killed) {
      const key = `kill-${n++}`;
      const body = paymentBody({ amount: 100 + n });
      try {
        const r = await api.pay('POST', '/api/v1/payments', { body, headers: { 'idempotency-key': key }, contract: false });
        if (r.status === 201) acknowledged.push({ id: r.body.id, key, body });
      } catch {
        return; // the connection died with the process
      }
      if (acknowledged.length >= 150 && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  assert.equal(await first.stop(), null, 'the sandbox died of the signal, not a clean exit');
  assert.ok(acknowledged.length >= 150);

  const second = await startSandboxProcess(env);
  try {
    const again = new Client(second);
    const stats = await again.pay('GET', '/api/v1/stats');
    assert.ok(stats.body.payments >= acknowledged.length, `${stats.body.payments} stored < ${acknowledged.length} acknowledged`);
    for (const a of acknowledged) {
      const got = await again.pay('GET', `/api/v1/payments/${a.id}`);
      assert.equal(got.status, 200, `acknowledged payment ${a.id} is missing`);
    }
    // a retry with an acknowledged key is a replay of the stored payment, not a second charge
    const last = acknowledged.at(-1)!;
    const replay = await again.pay('POST', '/api/v1/payments', { body: last.body, headers: { 'idempotency-key': last.key } });
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.body.id, last.id);
    const v = await again.bank('GET', '/api/v1/audit/verify');
    assert.equal(v.body.valid, true);
    assert.equal(v.body.entries, stats.body.payments);
  } finally {
    await second.stop();
  }
});
