// Minimal k6 script for the efficiency baseline (docs/efficiency.md): the payment scenario's requests
// in its task-table proportions, with no helpers, tags or custom metrics. Plain k6/http.
// CHECKS=1 adds what every contender of the peers bench has (docs/peers.md): one plain check() per
// answer on its status and body shape, the same checks as the Locust and Artillery ports; without it
// the script makes no checks at all (the floor of docs/efficiency.md).
//   k6 run --vus 50 --duration 10s -e PAYMENT_SERVICE_URL=http://127.0.0.1:8000 [-e CHECKS=1] bench/efficiency/payment-minimal.js
import { check } from 'k6';
import http from 'k6/http';

const BASE = __ENV.PAYMENT_SERVICE_URL || 'http://127.0.0.1:8000';
const JSON_AUTH = { headers: { Authorization: 'Bearer sandbox-token', 'Content-Type': 'application/json' } };
const AUTH = { headers: { Authorization: 'Bearer sandbox-token' } };
const FIXTURES = JSON.parse(open('../fixtures.json'));
const MERCHANTS = FIXTURES.merchants;
const CARDS = FIXTURES.cards;
const DECLINE = FIXTURES.decline;

const CHECKS = __ENV.CHECKS === '1';

const isPayment = (b) => !!b && typeof b.id === 'string' && typeof b.amount === 'number' && typeof b.currency === 'string';

const mine = []; // this VU's payments: refunds and lookups act on them
let seq = 0;

export function pay() {
  const m = MERCHANTS[Math.floor(Math.random() * MERCHANTS.length)];
  const declined = Math.random() < 0.05;
  const body = {
    merchant_id: m[0], amount: m[2], currency: m[1],
    card: declined ? DECLINE : CARDS[Math.floor(Math.random() * CARDS.length)],
    customer_id: 'cus_00000000', description: 'retail purchase',
  };
  const res = http.post(`${BASE}/api/v1/payments`, JSON.stringify(body), {
    headers: { ...JSON_AUTH.headers, 'Idempotency-Key': `${__VU}-${Date.now()}-${seq++}` },
  });
  if (CHECKS) {
    if (declined) check(res, { 'pay declined 402': (r) => r.status === 402, 'pay declined body': (r) => r.json()?.error?.code === 'card_declined' });
    else check(res, { 'pay status 201': (r) => r.status === 201, 'pay body is a payment': (r) => isPayment(r.json()) });
  }
  if (res.status !== 201) return null;
  const p = res.json();
  mine.push(p);
  if (mine.length > 50) mine.shift();
  return p;
}

function own(refundable) {
  const pool = refundable ? mine.filter((p) => p.refunded_amount < p.amount) : mine;
  return pool.length ? pool[Math.floor(Math.random() * pool.length)] : pay();
}

export function refund() {
  const p = own(true);
  if (!p) return;
  const left = p.amount - p.refunded_amount;
  const amount = Math.random() < 0.5 || left < 2 ? left : Math.max(1, Math.floor(left * Math.random()));
  const res = http.post(`${BASE}/api/v1/payments/${p.id}/refunds`, JSON.stringify({ amount }), JSON_AUTH);
  if (CHECKS) check(res, { 'refund status 201': (r) => r.status === 201, 'refund body has id': (r) => typeof r.json()?.id === 'string' });
  if (res.status === 201) p.refunded_amount += amount;
}

export function status() {
  const p = own(false);
  if (!p) return;
  const res = http.get(`${BASE}/api/v1/payments/${p.id}`, AUTH);
  if (CHECKS) check(res, { 'status status 200': (r) => r.status === 200, 'status body is the payment': (r) => isPayment(r.json()) && r.json().id === p.id });
}

export function merchantTransactions(limit) {
  const res = http.get(`${BASE}/api/v1/merchants/${MERCHANTS[Math.floor(Math.random() * MERCHANTS.length)][0]}/transactions?limit=${limit}`, AUTH);
  if (CHECKS) check(res, { 'transactions status 200': (r) => r.status === 200, 'transactions body has data': (r) => Array.isArray(r.json()?.data) });
}

export function health() {
  const res = http.get(`${BASE}/health`, AUTH);
  if (CHECKS) check(res, { 'health status 200': (r) => r.status === 200, 'health body ok': (r) => r.json()?.status === 'ok' });
}

// Task weights of lib/services/payment/users.ts (tests/unit/mix-quotes.test.ts compares): 70 / 10 (REFUND_PROBABILITY 0.1) / 15 / 3 / 2.
export default function () {
  const r = Math.random() * 100;
  if (r < 70) pay();
  else if (r < 80) refund();
  else if (r < 95) status();
  else if (r < 98) merchantTransactions(20);
  else health();
}
