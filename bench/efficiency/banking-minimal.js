// Minimal k6 script for the efficiency baseline (docs/efficiency.md): the banking scenario's requests
// in its task-table proportions, with no helpers, tags or custom metrics. Plain k6/http.
// CHECKS=1 adds what every contender of the peers bench has (docs/peers.md): one plain check() per
// answer on its status and body shape, the same checks as the Locust and Artillery ports; without it
// the script makes no checks at all (the floor of docs/efficiency.md).
//   k6 run --vus 50 --duration 10s -e BANKING_API_URL=http://127.0.0.1:8001 [-e CHECKS=1] bench/efficiency/banking-minimal.js
import { check } from 'k6';
import http from 'k6/http';

const BASE = __ENV.BANKING_API_URL || 'http://127.0.0.1:8001';
const JSON_AUTH = { headers: { Authorization: 'Bearer sandbox-token', 'Content-Type': 'application/json' } };
const AUTH = { headers: { Authorization: 'Bearer sandbox-token' } };
const FIXTURES = JSON.parse(open('../fixtures.json'));
const MERCHANTS = FIXTURES.merchants;
const CARDS = FIXTURES.cards;

const CHECKS = __ENV.CHECKS === '1';

const isAuthorization = (b, status) =>
  !!b && typeof b.id === 'string' && typeof b.amount === 'number' && typeof b.captured_amount === 'number' && b.status === status;

const authorized = []; // authorized, not captured
const captured = []; // captured, refundable
const known = []; // transaction ids for lookups

function keep(list, item, max) {
  list.push(item);
  if (list.length > max) list.shift();
}

function authBody() {
  const m = MERCHANTS[Math.floor(Math.random() * MERCHANTS.length)];
  return { merchant_id: m[0], amount: m[2], currency: m[1], card: CARDS[Math.floor(Math.random() * CARDS.length)] };
}

export function authorize() {
  const res = http.post(`${BASE}/api/v1/authorizations`, JSON.stringify(authBody()), JSON_AUTH);
  if (CHECKS) check(res, { 'authorize status 201': (r) => r.status === 201, 'authorize body': (r) => isAuthorization(r.json(), 'authorized') });
  if (res.status !== 201) return null;
  const a = res.json();
  keep(authorized, a, 50);
  keep(known, a.id, 100);
  return a;
}

export function capture() {
  let a = authorized.shift();
  if (!a) {
    a = authorize();
    if (!a) return null;
    authorized.pop();
  }
  const body = Math.random() < 0.8 ? {} : { amount: Math.max(1, Math.floor(a.amount * 0.75)) };
  const res = http.post(`${BASE}/api/v1/authorizations/${a.id}/capture`, JSON.stringify(body), JSON_AUTH);
  if (CHECKS) check(res, { 'capture status 200': (r) => r.status === 200, 'capture body': (r) => isAuthorization(r.json(), 'captured') });
  if (res.status !== 200) return null;
  const c = res.json();
  keep(captured, c, 50);
  return c;
}

export function refund() {
  const pool = captured.filter((x) => x.refunded_amount < x.captured_amount);
  const c = pool.length ? pool[Math.floor(Math.random() * pool.length)] : capture();
  if (!c) return;
  const left = c.captured_amount - c.refunded_amount;
  const amount = Math.random() < 0.5 || left < 2 ? left : Math.max(1, Math.floor(left * Math.random()));
  const res = http.post(`${BASE}/api/v1/refunds`, JSON.stringify({ transaction_id: c.id, amount }), JSON_AUTH);
  if (CHECKS) check(res, { 'refund status 201': (r) => r.status === 201, 'refund body has id': (r) => typeof r.json()?.id === 'string' });
  if (res.status === 201) {
    c.refunded_amount += amount;
    keep(known, res.json().id, 100);
  }
}

export function status() {
  const id = known.length ? known[Math.floor(Math.random() * known.length)] : (authorize() || {}).id;
  if (!id) return;
  const res = http.get(`${BASE}/api/v1/transactions/${id}`, AUTH);
  if (CHECKS) check(res, { 'status status 200': (r) => r.status === 200, 'status body is the transaction': (r) => r.json()?.id === id });
}

export function knowsNone() {
  return known.length === 0;
}

export function settlements() {
  const res = http.get(`${BASE}/api/v1/settlements?date=${new Date().toISOString().slice(0, 10)}`, AUTH);
  if (CHECKS) check(res, { 'settlements status 200': (r) => r.status === 200, 'settlements body': (r) => Array.isArray(r.json()?.currency_totals) });
}

export function health() {
  const res = http.get(`${BASE}/health`, AUTH);
  if (CHECKS) check(res, { 'health status 200': (r) => r.status === 200, 'health body ok': (r) => r.json()?.status === 'ok' });
}

export function batch() {
  const operations = [];
  for (let i = 0; i < 5; i++) operations.push({ type: 'authorize', body: authBody() });
  const res = http.post(`${BASE}/api/v1/batch`, JSON.stringify({ operations }), JSON_AUTH);
  if (CHECKS) check(res, { 'batch status 200': (r) => r.status === 200, 'batch body has a result per operation': (r) => r.json()?.results?.length === operations.length });
  if (res.status !== 200) return;
  for (const x of res.json().results) {
    if (x.status === 201) {
      keep(authorized, x.body, 50);
      keep(known, x.body.id, 100);
    }
  }
}

// Task weights of lib/services/banking/users.ts (tests/unit/mix-quotes.test.ts compares): 40 / 25 / 15 / 10 / 5 / 3 / 2.
export default function () {
  const r = Math.random() * 100;
  if (r < 40) authorize();
  else if (r < 65) capture();
  else if (r < 80) refund();
  else if (r < 90) status();
  else if (r < 95) settlements();
  else if (r < 98) health();
  else batch();
}
