// Minimal k6 script for the efficiency baseline (docs/efficiency.md): the failures scenario's bad
// requests in its task-table proportions, with no helpers, checks, tags or custom metrics. Plain k6/http.
//   k6 run --vus 50 --duration 10s -e PAYMENT_SERVICE_URL=... -e BANKING_API_URL=... bench/efficiency/failures-minimal.js
import http from 'k6/http';

const PAY = __ENV.PAYMENT_SERVICE_URL || 'http://127.0.0.1:8000';
const BANK = __ENV.BANKING_API_URL || 'http://127.0.0.1:8001';
const JSON_ONLY = { 'Content-Type': 'application/json' };
const JSON_AUTH = { headers: { Authorization: 'Bearer sandbox-token', 'Content-Type': 'application/json' } };
const AUTH = { headers: { Authorization: 'Bearer sandbox-token' } };
const CARD = JSON.parse(open('../fixtures.json')).cards[0];
const VALID = { merchant_id: 'mer_00000001', amount: 250000, currency: 'INR', card: CARD };
const FIELDS = ['merchant_id', 'amount', 'currency', 'card'];
const INVALID_CARDS = [
  { ...CARD, number: '4426180054708416' }, // bad Luhn
  { ...CARD, number: '442618005470841' }, // too short
  { ...CARD, number: '44261800547084150000' }, // too long
  { ...CARD, number: '4426180O54708415' }, // non-digit
  { ...CARD, exp_month: 1, exp_year: 2020 }, // expired
];
const DECLINE = { number: '4000000000009995', exp_month: 12, exp_year: 2030, cvv: '123' };
const PANS = ['RAJP1234K', 'abcpk1234f', 'ABCPK12345', '1234567890', 'ABCPK1234'];
const pick = (a) => a[Math.floor(Math.random() * a.length)];
let seq = 0;

export default function () {
  const r = Math.random() * 95;
  if (r < 15) http.post(`${PAY}/api/v1/payments`, '{"amount": 100, "currency": "USD",', JSON_AUTH);
  else if (r < 30) {
    const body = { ...VALID };
    delete body[pick(FIELDS)];
    http.post(`${PAY}/api/v1/payments`, JSON.stringify(body), JSON_AUTH);
  } else if (r < 45) http.post(`${PAY}/api/v1/payments`, JSON.stringify({ ...VALID, card: pick(INVALID_CARDS) }), JSON_AUTH);
  else if (r < 50) http.post(`${PAY}/api/v1/payments`, JSON.stringify({ ...VALID, card: DECLINE }), JSON_AUTH);
  else if (r < 60) http.post(`${PAY}/api/v1/payments`, JSON.stringify(VALID), { headers: JSON_ONLY });
  else if (r < 70) http.post(`${BANK}/api/v1/authorizations`, JSON.stringify(VALID), { headers: { ...JSON_ONLY, Authorization: 'Bearer not-the-token' } });
  else if (r < 80) {
    if (Math.random() < 0.5) http.get(`${PAY}/api/v1/payments/pay_missing_${__VU}_${seq++}`, AUTH);
    else http.get(`${BANK}/api/v1/transactions/auth_missing_${__VU}_${seq++}`, AUTH);
  } else if (r < 90) http.post(`${BANK}/api/v1/users`, JSON.stringify({ name: 'Invalid Pan', pan: pick(PANS) }), JSON_AUTH);
  else {
    const res = http.post(`${PAY}/api/v1/payments`, JSON.stringify(VALID), {
      headers: { ...JSON_AUTH.headers, 'Idempotency-Key': `${__VU}-${Date.now()}-${seq++}` },
    });
    if (res.status !== 201) return;
    const p = res.json();
    http.post(`${PAY}/api/v1/payments/${p.id}/refunds`, JSON.stringify({ amount: p.amount + 1 }), JSON_AUTH);
  }
}
