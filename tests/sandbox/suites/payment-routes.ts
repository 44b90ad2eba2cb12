/** Payment service route tests (registered by contract.test.ts so their responses count towards spec coverage). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../../../sandbox/server.ts';
import { Client, DECLINES, MASTERCARD, AMEX, VISA, paymentBody, start } from '../helpers.ts';

export function paymentRouteSuite(): void {
  describe('payment service routes', () => {
    let sb: Sandbox;
    let api: Client;
    before(async () => {
      ({ sb, api } = await start({ bodyLimit: 4096 }));
    });
    after(() => sb.close());

    test('GET /health needs no auth', async () => {
      const r = await api.pay('GET', '/health', { auth: false });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { status: 'ok', service: 'payment' });
    });

    test('POST /api/v1/payments creates a captured payment without storing the card number', async () => {
      const r = await api.pay('POST', '/api/v1/payments', {
        body: paymentBody({ customer_id: 'cus_1', description: 'order #1 ☃ 支払い' }),
      });
      assert.equal(r.status, 201);
      assert.match(r.body.id, /^pay_[0-9a-f]{24}$/);
      assert.equal(r.body.status, 'captured');
      assert.equal(r.body.amount, 1999);
      assert.equal(r.body.refunded_amount, 0);
      assert.equal(r.body.card_brand, 'visa');
      assert.equal(r.body.card_last4, '4242');
      assert.equal(r.body.customer_id, 'cus_1');
      assert.equal(r.body.description, 'order #1 ☃ 支払い');
      assert.ok(!r.text.includes(VISA.number));
      const dump = JSON.stringify(sb.db.prepare('SELECT * FROM payments').all()) +
        JSON.stringify(sb.db.prepare('SELECT * FROM audit_log').all()) +
        JSON.stringify(sb.db.prepare('SELECT * FROM idempotency_keys').all());
      assert.ok(!dump.includes(VISA.number), 'full card number must never be stored');
      const got = await api.pay('GET', `/api/v1/payments/${r.body.id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body, r.body);
    });

    test('card brands are detected', async () => {
      for (const [card, brand] of [
        [MASTERCARD, 'mastercard'],
        [AMEX, 'amex'],
        [{ ...VISA, number: '6011111111111117' }, 'discover'],
        [{ ...VISA, number: '3056930009020004' }, 'other'],
        [{ ...VISA, number: '4242424242424242428' }, 'visa'],
        [{ ...VISA, number: '2223003122003222' }, 'mastercard'],
      ] as const) {
        const r = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ card }) });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(r.body.card_brand, brand);
      }
    });

    test('decline test cards give 402 card_declined with decline_reason', async () => {
      for (const [number, reason] of Object.entries(DECLINES)) {
        const r = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ card: { ...VISA, number } }) });
        assert.equal(r.status, 402);
        assert.equal(r.body.error.code, 'card_declined');
        assert.equal(r.body.error.decline_reason, reason);
      }
    });

    test('card validation errors name the field', async () => {
      const now = new Date();
      const cases: [Record<string, unknown>, string, string][] = [
        [{ ...VISA, number: '4242424242424241' }, 'invalid_card_number', 'card.number'],
        [{ ...VISA, number: '42424242424' }, 'invalid_card_number', 'card.number'],
        [{ ...VISA, number: '42424242424242424242' }, 'invalid_card_number', 'card.number'],
        [{ ...VISA, number: '4242 4242 4242 4242' }, 'invalid_card_number', 'card.number'],
        // Luhn-valid but the wrong length for the network
        [{ ...VISA, number: '424242424242424' }, 'invalid_card_number', 'card.number'],
        [{ ...VISA, number: '4222222222222' }, 'invalid_card_number', 'card.number'],
        [{ ...VISA, number: '37828224631003' }, 'invalid_card_number', 'card.number'],
        [{ ...VISA, number: '3782822463100003' }, 'invalid_card_number', 'card.number'],
        [{ ...VISA, number: '555555555555442' }, 'invalid_card_number', 'card.number'],
        [{ ...VISA, exp_year: 2020 }, 'card_expired', 'card.exp_year'],
        [{ ...VISA, cvv: '12' }, 'validation_failed', 'card.cvv'],
        [{ ...VISA, cvv: '12345' }, 'validation_failed', 'card.cvv'],
        [{ ...VISA, exp_month: 13 }, 'validation_failed', 'card.exp_month'],
        [{ number: VISA.number, exp_month: 1, exp_year: 2030 }, 'validation_failed', 'card.cvv'],
        [{ ...VISA, number: 4242424242424242 }, 'validation_failed', 'card.number'],
      ];
      if (now.getUTCMonth() > 0) {
        cases.push([{ ...VISA, exp_year: now.getUTCFullYear(), exp_month: now.getUTCMonth() }, 'card_expired', 'card.exp_month']);
      }
      for (const [card, code, field] of cases) {
        const r = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ card }) });
        assert.equal(r.status, 422, JSON.stringify(card));
        assert.equal(r.body.error.code, code, JSON.stringify(r.body));
        assert.equal(r.body.error.field, field);
      }
      // the current month is still valid
      const ok = await api.pay('POST', '/api/v1/payments', {
        body: paymentBody({ card: { ...VISA, exp_year: now.getUTCFullYear(), exp_month: now.getUTCMonth() + 1 } }),
      });
      assert.equal(ok.status, 201);
    });

    test('body validation: 422 validation_failed with field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ amount: 0 }, 'amount'],
        [{ amount: -5 }, 'amount'],
        [{ amount: 100000000001 }, 'amount'],
        [{ amount: 10.5 }, 'amount'],
        [{ amount: '100' }, 'amount'],
        [{ amount: 1e300 }, 'amount'],
        [{ currency: 'usd' }, 'currency'],
        [{ currency: 'XXX' }, 'currency'],
        [{ merchant_id: '' }, 'merchant_id'],
        [{ merchant_id: 'm'.repeat(65) }, 'merchant_id'],
        [{ description: 'd'.repeat(256) }, 'description'],
        [{ card: 'not-a-card' }, 'card'],
        [{ card: [VISA] }, 'card'],
      ];
      for (const [override, field] of cases) {
        const r = await api.pay('POST', '/api/v1/payments', { body: paymentBody(override) });
        assert.equal(r.status, 422, JSON.stringify(override));
        assert.equal(r.body.error.code, 'validation_failed');
        assert.equal(r.body.error.field, field);
      }
      const { currency: _c, ...noCurrency } = paymentBody();
      const missing = await api.pay('POST', '/api/v1/payments', { body: noCurrency });
      assert.equal(missing.status, 422);
      assert.equal(missing.body.error.field, 'currency');
      const max = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ amount: 100000000000, currency: 'JPY' }) });
      assert.equal(max.status, 201);
    });

    test('malformed JSON, auth, size and media type errors', async () => {
      const bad = await api.pay('POST', '/api/v1/payments', { raw: '{"merchant_id": "m",' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'malformed_json');
      const noAuth = await api.pay('POST', '/api/v1/payments', { body: paymentBody(), auth: false });
      assert.equal(noAuth.status, 401);
      assert.equal(noAuth.body.error.code, 'unauthorized');
      const wrong = await api.pay('POST', '/api/v1/payments', { body: paymentBody(), auth: 'nope' });
      assert.equal(wrong.status, 401);
      const big = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ description: 'x'.repeat(10_000) }) });
      assert.equal(big.status, 413);
      assert.equal(big.body.error.code, 'payload_too_large');
      const xml = await api.pay('POST', '/api/v1/payments', { raw: '<a/>', headers: { 'content-type': 'application/xml' } });
      assert.equal(xml.status, 415);
    });

    test('Idempotency-Key replays, conflicts and validation', async () => {
      const key = `key-${Date.now()}`;
      const first = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ amount: 777 }), headers: { 'idempotency-key': key } });
      assert.equal(first.status, 201);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const again = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ amount: 777 }), headers: { 'idempotency-key': key } });
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      const other = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ amount: 778 }), headers: { 'idempotency-key': key } });
      assert.equal(other.status, 409);
      assert.equal(other.body.error.code, 'idempotency_key_reused');
      const long = await api.pay('POST', '/api/v1/payments', { body: paymentBody(), headers: { 'idempotency-key': 'k'.repeat(256) } });
      assert.equal(long.status, 422);
      assert.equal(long.body.error.field, 'Idempotency-Key');
      // a declined charge is remembered too
      const dkey = `decline-${Date.now()}`;
      const d1 = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ card: { ...VISA, number: '4000000000000002' } }), headers: { 'idempotency-key': dkey } });
      const d2 = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ card: { ...VISA, number: '4000000000000002' } }), headers: { 'idempotency-key': dkey } });
      assert.equal(d1.status, 402);
      assert.equal(d2.status, 402);
      assert.equal(d2.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(d2.body, d1.body);
    });

    test('GET /api/v1/payments/:id unknown -> 404', async () => {
      const r = await api.pay('GET', '/api/v1/payments/pay_000000000000000000000000');
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'not_found');
    });

    test('refunds: partial, default remaining, over-refund, unknown payment, idempotency', async () => {
      const p = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ amount: 1000 }) });
      const id = p.body.id as string;
      const r1 = await api.pay('POST', `/api/v1/payments/${id}/refunds`, { body: { amount: 300, reason: 'damaged' } });
      assert.equal(r1.status, 201);
      assert.match(r1.body.id, /^ref_[0-9a-f]{24}$/);
      assert.equal(r1.body.payment_id, id);
      assert.equal(r1.body.amount, 300);
      assert.equal(r1.body.reason, 'damaged');
      let got = await api.pay('GET', `/api/v1/payments/${id}`);
      assert.equal(got.body.refunded_amount, 300);
      assert.equal(got.body.status, 'partially_refunded');

      const over = await api.pay('POST', `/api/v1/payments/${id}/refunds`, { body: { amount: 701 } });
      assert.equal(over.status, 422);
      assert.equal(over.body.error.code, 'refund_exceeds_captured');

      const key = `rk-${Date.now()}`;
      const rest = await api.pay('POST', `/api/v1/payments/${id}/refunds`, { headers: { 'idempotency-key': key } });
      assert.equal(rest.status, 201);
      assert.equal(rest.body.amount, 700);
      assert.equal(rest.body.reason, null);
      const replay = await api.pay('POST', `/api/v1/payments/${id}/refunds`, { headers: { 'idempotency-key': key } });
      assert.equal(replay.status, 201);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, rest.body);
      const reused = await api.pay('POST', `/api/v1/payments/${id}/refunds`, { body: { amount: 1 }, headers: { 'idempotency-key': key } });
      assert.equal(reused.status, 409);
      assert.equal(reused.body.error.code, 'idempotency_key_reused');

      got = await api.pay('GET', `/api/v1/payments/${id}`);
      assert.equal(got.body.refunded_amount, 1000);
      assert.equal(got.body.status, 'refunded');
      const none = await api.pay('POST', `/api/v1/payments/${id}/refunds`, { body: {} });
      assert.equal(none.status, 422);
      assert.equal(none.body.error.code, 'refund_exceeds_captured');

      const unknown = await api.pay('POST', '/api/v1/payments/pay_000000000000000000000000/refunds', { body: { amount: 1 } });
      assert.equal(unknown.status, 404);
      const badAmount = await api.pay('POST', `/api/v1/payments/${id}/refunds`, { body: { amount: 'all' } });
      assert.equal(badAmount.status, 422);
      assert.equal(badAmount.body.error.field, 'amount');
      const malformed = await api.pay('POST', `/api/v1/payments/${id}/refunds`, { raw: '{' });
      assert.equal(malformed.status, 400);
      const stats = await api.pay('GET', '/api/v1/stats');
      assert.equal(stats.status, 200);
      assert.ok(stats.body.refunds >= 2);
      assert.ok(stats.body.refunded_amount_total >= 1000);
    });

    test('merchant transactions: newest first, cursor pagination, limit validation', async () => {
      const merchant = `merch_page_${Date.now()}`;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await api.pay('POST', '/api/v1/payments', { body: paymentBody({ merchant_id: merchant, amount: 100 + i }) });
        ids.push(r.body.id);
      }
      const seenIds: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${encodeURIComponent(cursor)}`;
        const page = await api.pay('GET', `/api/v1/merchants/${merchant}/transactions${q}`);
        assert.equal(page.status, 200);
        assert.equal(page.body.merchant_id, merchant);
        assert.ok(page.body.data.length <= 2);
        seenIds.push(...page.body.data.map((p: { id: string }) => p.id));
        cursor = page.body.next_cursor;
        pages++;
      } while (cursor !== null && pages < 10);
      assert.equal(pages, 3);
      assert.deepEqual(seenIds, [...ids].reverse());
      const dflt = await api.pay('GET', `/api/v1/merchants/${merchant}/transactions`);
      assert.equal(dflt.body.data.length, 5);
      assert.equal(dflt.body.next_cursor, null);
      const empty = await api.pay('GET', '/api/v1/merchants/nobody/transactions');
      assert.deepEqual(empty.body, { merchant_id: 'nobody', data: [], next_cursor: null });
      for (const q of ['limit=0', 'limit=101', 'limit=abc', 'limit=2.5', 'cursor=garbage!']) {
        const r = await api.pay('GET', `/api/v1/merchants/${merchant}/transactions?${q}`);
        assert.equal(r.status, 422, q);
        assert.equal(r.body.error.field, q.split('=')[0]);
      }
    });

    test('POST /api/v1/data/generate streams NDJSON; validation', async () => {
      const r = await api.pay('POST', '/api/v1/data/generate', { body: { records: 25, chunk_size: 10, seed: 42 } });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^application\/x-ndjson/);
      const lines = r.text.trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(lines.length, 25);
      assert.deepEqual(lines.map((l) => l.seq), Array.from({ length: 25 }, (_, i) => i + 1));
      const again = await api.pay('POST', '/api/v1/data/generate', { body: { records: 25, chunk_size: 7, seed: 42 } });
      assert.equal(again.text, r.text, 'same seed -> same records regardless of chunking');
      for (const body of [{}, { records: 0 }, { records: 10_000_001 }, { records: 5, chunk_size: 0 }, { records: 5, chunk_size: 100_001 }]) {
        const bad = await api.pay('POST', '/api/v1/data/generate', { body });
        assert.equal(bad.status, 422, JSON.stringify(body));
      }
      const malformed = await api.pay('POST', '/api/v1/data/generate', { raw: 'nope' });
      assert.equal(malformed.status, 400);
    });

    test('unknown route -> 404 JSON', async () => {
      const r = await api.pay('GET', '/api/v1/nope');
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'not_found');
      const banking = await api.pay('POST', '/api/v1/users', { body: { name: 'x', pan: 'ABCPK1234F' } });
      assert.equal(banking.status, 404, 'banking routes are not served on the payment port');
    });
  });
}
