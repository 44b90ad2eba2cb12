/** Banking API route tests (registered by contract.test.ts). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../../../sandbox/server.ts';
import { Client, VISA, authorizationBody, start } from '../helpers.ts';

export function bankingRouteSuite(): void {
  describe('banking API routes', () => {
    let sb: Sandbox;
    let api: Client;
    before(async () => {
      ({ sb, api } = await start());
    });
    after(() => sb.close());

    const authorize = async (overrides: Record<string, unknown> = {}) => {
      const r = await api.bank('POST', '/api/v1/authorizations', { body: authorizationBody(overrides) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as { id: string; amount: number };
    };

    test('GET /health', async () => {
      const r = await api.bank('GET', '/health', { auth: false });
      assert.deepEqual(r.body, { status: 'ok', service: 'banking' });
    });

    test('authorize -> capture -> refund lifecycle', async () => {
      const a = await authorize({ amount: 5000 });
      assert.match(a.id, /^auth_[0-9a-f]{24}$/);
      const tx = await api.bank('GET', `/api/v1/transactions/${a.id}`);
      assert.equal(tx.status, 200);
      assert.equal(tx.body.status, 'authorized');
      assert.equal(tx.body.captured_amount, 0);

      const early = await api.bank('POST', '/api/v1/refunds', { body: { transaction_id: a.id, amount: 1 } });
      assert.equal(early.status, 409);
      assert.equal(early.body.error.code, 'not_captured');

      const over = await api.bank('POST', `/api/v1/authorizations/${a.id}/capture`, { body: { amount: 5001 } });
      assert.equal(over.status, 422);
      assert.equal(over.body.error.code, 'capture_exceeds_authorized');

      const cap = await api.bank('POST', `/api/v1/authorizations/${a.id}/capture`, { body: { amount: 4000 } });
      assert.equal(cap.status, 200);
      assert.equal(cap.body.status, 'captured');
      assert.equal(cap.body.captured_amount, 4000);
      assert.equal(cap.body.amount, 5000);

      const twice = await api.bank('POST', `/api/v1/authorizations/${a.id}/capture`);
      assert.equal(twice.status, 409);
      assert.equal(twice.body.error.code, 'already_captured');

      const ref = await api.bank('POST', '/api/v1/refunds', { body: { transaction_id: a.id, amount: 1500 } });
      assert.equal(ref.status, 201);
      assert.match(ref.body.id, /^ref_[0-9a-f]{24}$/);
      assert.equal(ref.body.transaction_id, a.id);
      const tooMuch = await api.bank('POST', '/api/v1/refunds', { body: { transaction_id: a.id, amount: 2501 } });
      assert.equal(tooMuch.status, 422);
      assert.equal(tooMuch.body.error.code, 'refund_exceeds_captured');
      const rest = await api.bank('POST', '/api/v1/refunds', { body: { transaction_id: a.id, amount: 2500 } });
      assert.equal(rest.status, 201);

      const after = await api.bank('GET', `/api/v1/transactions/${a.id}`);
      assert.equal(after.body.captured_amount, 4000);
      assert.equal(after.body.refunded_amount, 4000);
      assert.equal(after.body.status, 'refunded');
      const refTx = await api.bank('GET', `/api/v1/transactions/${ref.body.id}`);
      assert.equal(refTx.status, 200);
      assert.deepEqual(refTx.body, ref.body);
    });

    test('full capture by default (no body)', async () => {
      const a = await authorize({ amount: 1234 });
      const cap = await api.bank('POST', `/api/v1/authorizations/${a.id}/capture`);
      assert.equal(cap.status, 200);
      assert.equal(cap.body.captured_amount, 1234);
    });

    test('authorizations: Idempotency-Key replays, and 409 idempotency_key_reused for another body', async () => {
      const headers = { 'idempotency-key': `auth-key-${Date.now()}` };
      const first = await api.bank('POST', '/api/v1/authorizations', { body: authorizationBody({ amount: 901 }), headers });
      assert.equal(first.status, 201);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const again = await api.bank('POST', '/api/v1/authorizations', { body: authorizationBody({ amount: 901 }), headers });
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      const other = await api.bank('POST', '/api/v1/authorizations', { body: authorizationBody({ amount: 902 }), headers });
      assert.equal(other.status, 409);
      assert.equal(other.body.error.code, 'idempotency_key_reused');
    });

    test('errors: 402 decline, 422 card, 404 unknown, 400 malformed, 415', async () => {
      const d = await api.bank('POST', '/api/v1/authorizations', { body: authorizationBody({ card: { ...VISA, number: '4000000000009995' } }) });
      assert.equal(d.status, 402);
      assert.equal(d.body.error.decline_reason, 'insufficient_funds');
      const c = await api.bank('POST', '/api/v1/authorizations', { body: authorizationBody({ card: { ...VISA, number: '1234567890123' } }) });
      assert.equal(c.status, 422);
      assert.equal(c.body.error.code, 'invalid_card_number');
      assert.equal(c.body.error.field, 'card.number');
      const cur = await api.bank('POST', '/api/v1/authorizations', { body: authorizationBody({ currency: 'BTC' }) });
      assert.equal(cur.status, 422);
      assert.equal(cur.body.error.field, 'currency');
      assert.equal((await api.bank('POST', '/api/v1/authorizations/auth_nope/capture')).status, 404);
      assert.equal((await api.bank('POST', '/api/v1/authorizations/auth_nope/capture', { body: { amount: 0 } })).status, 422);
      assert.equal((await api.bank('POST', '/api/v1/authorizations/auth_nope/capture', { raw: '{' })).status, 400);
      const unknownRefund = await api.bank('POST', '/api/v1/refunds', { body: { transaction_id: 'auth_nope', amount: 5 } });
      assert.equal(unknownRefund.status, 404);
      assert.equal(unknownRefund.body.error.field, 'transaction_id');
      const missing = await api.bank('POST', '/api/v1/refunds', { body: { transaction_id: 'auth_nope' } });
      assert.equal(missing.status, 422);
      assert.equal(missing.body.error.field, 'amount');
      assert.equal((await api.bank('POST', '/api/v1/refunds', { raw: '[' })).status, 400);
      assert.equal((await api.bank('GET', '/api/v1/transactions/nope')).status, 404);
      assert.equal((await api.bank('POST', '/api/v1/authorizations', { raw: 'null}' })).status, 400);
    });

    test('settlements: per-currency totals for a UTC date', async () => {
      const fresh = await start();
      try {
        const b = new Client(fresh.sb);
        const mk = async (currency: string, amount: number, capture?: number, refund?: number) => {
          const a = await b.bank('POST', '/api/v1/authorizations', { body: authorizationBody({ currency, amount }) });
          if (capture !== undefined) await b.bank('POST', `/api/v1/authorizations/${a.body.id}/capture`, { body: { amount: capture } });
          if (refund !== undefined) await b.bank('POST', '/api/v1/refunds', { body: { transaction_id: a.body.id, amount: refund } });
        };
        await mk('USD', 1000, 1000, 200);
        await mk('USD', 500, 400);
        await mk('EUR', 300, 300, 300);
        await mk('GBP', 999); // authorized only: not settled
        const today = new Date().toISOString().slice(0, 10);
        const s = await b.bank('GET', `/api/v1/settlements?date=${today}`);
        assert.equal(s.status, 200);
        assert.deepEqual(s.body, {
          date: today,
          currency_totals: [
            { currency: 'EUR', captured_amount: 300, refunded_amount: 300, net_amount: 0, count: 2 },
            { currency: 'USD', captured_amount: 1400, refunded_amount: 200, net_amount: 1200, count: 3 },
          ],
          transaction_count: 5,
        });
        const other = await b.bank('GET', '/api/v1/settlements?date=2001-01-01');
        assert.deepEqual(other.body, { date: '2001-01-01', currency_totals: [], transaction_count: 0 });
        for (const q of ['', '?date=', '?date=2026-02-30', '?date=2026-1-5', '?date=yesterday']) {
          const r = await b.bank('GET', `/api/v1/settlements${q}`);
          assert.equal(r.status, 422, q);
          assert.equal(r.body.error.field, 'date');
        }
      } finally {
        await fresh.sb.close();
      }
    });

    test('batch: per-item statuses, failures do not fail the batch', async () => {
      const a = await authorize({ amount: 700 });
      const r = await api.bank('POST', '/api/v1/batch', {
        body: {
          operations: [
            { type: 'authorize', body: authorizationBody({ amount: 100 }) },
            { type: 'authorize', body: authorizationBody({ card: { ...VISA, number: '4000000000000002' } }) },
            { type: 'capture', id: a.id, body: { amount: 700 } },
            { type: 'capture', id: a.id },
            { type: 'capture' },
            { type: 'capture', id: 'auth_missing' },
            { type: 'refund', body: { transaction_id: a.id, amount: 200 } },
            { type: 'refund', body: { transaction_id: a.id, amount: 99999 } },
            { type: 'authorize', body: { merchant_id: 'm' } },
          ],
        },
      });
      assert.equal(r.status, 200);
      const statuses = r.body.results.map((x: { status: number }) => x.status);
      assert.deepEqual(statuses, [201, 402, 200, 409, 422, 404, 201, 422, 422]);
      assert.deepEqual(r.body.results.map((x: { index: number }) => x.index), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      assert.equal(r.body.results[4].body.error.field, 'id');
      assert.equal(r.body.results[8].body.error.field, 'amount');
      const tx = await api.bank('GET', `/api/v1/transactions/${a.id}`);
      assert.equal(tx.body.refunded_amount, 200, 'successful items are committed');
      for (const body of [{ operations: [] }, { operations: 'x' }, {}, { operations: [{ type: 'void' }] }, { operations: Array.from({ length: 101 }, () => ({ type: 'capture' })) }]) {
        const bad = await api.bank('POST', '/api/v1/batch', { body });
        assert.equal(bad.status, 422, JSON.stringify(body).slice(0, 80));
      }
      assert.equal((await api.bank('POST', '/api/v1/batch', { raw: '{"operations": [' })).status, 400);
    });

    test('users: register, duplicate PAN 409, invalid PAN 422', async () => {
      const u = await api.bank('POST', '/api/v1/users', { body: { name: 'Asha Rao', pan: 'ABCPK1234F', email: 'asha@example.com' } });
      assert.equal(u.status, 201);
      assert.match(u.body.id, /^usr_[0-9a-f]{24}$/);
      assert.equal(u.body.pan, 'ABCPK1234F');
      assert.equal(u.body.email, 'asha@example.com');
      const dup = await api.bank('POST', '/api/v1/users', { body: { name: 'Someone Else', pan: 'ABCPK1234F' } });
      assert.equal(dup.status, 409);
      assert.equal(dup.body.error.code, 'pan_already_registered');
      for (const pan of ['abcpk1234f', 'ABCPK1234', 'ABCPK12345', 'ABC1K1234F', 'ABCPK1234F ', '']) {
        const r = await api.bank('POST', '/api/v1/users', { body: { name: 'X', pan } });
        assert.equal(r.status, 422, pan);
        assert.equal(r.body.error.code, 'invalid_pan');
        assert.equal(r.body.error.field, 'pan');
      }
      for (const [body, field] of [
        [{ pan: 'ABCPK1234G' }, 'name'],
        [{ name: '', pan: 'ABCPK1234G' }, 'name'],
        [{ name: 'n'.repeat(201), pan: 'ABCPK1234G' }, 'name'],
        [{ name: 'X' }, 'pan'],
        [{ name: 'X', pan: 1234 }, 'pan'],
        [{ name: 'X', pan: 'ABCPK1234G', email: 'not-an-email' }, 'email'],
      ] as const) {
        const r = await api.bank('POST', '/api/v1/users', { body });
        assert.equal(r.status, 422, JSON.stringify(body));
        assert.equal(r.body.error.code, 'validation_failed');
        assert.equal(r.body.error.field, field);
      }
      assert.equal((await api.bank('POST', '/api/v1/users', { raw: '{"name":' })).status, 400);
    });

    test('audit verify and stats on the banking port', async () => {
      const v = await api.bank('GET', '/api/v1/audit/verify');
      assert.equal(v.status, 200);
      assert.equal(v.body.valid, true);
      assert.ok(v.body.entries > 5);
      const s = await api.bank('GET', '/api/v1/stats');
      assert.equal(s.status, 200);
      assert.equal(s.body.audit_entries, v.body.entries);
      assert.ok(s.body.authorizations >= 4);
      assert.ok(s.body.captures >= 3);
      assert.ok(s.body.banking_refunds >= 3);
      assert.equal(s.body.users, 1);
    });
  });
}
