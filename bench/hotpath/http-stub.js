// Stand-in for k6/http in bench/hotpath/run.ts: answers in-process with canned bodies, so a run measures
// the script's own work (JS, checks, custom metrics) without network or the sandbox.
const PAY = JSON.stringify({ id: 'pay_0123456789abcdef', status: 'succeeded', amount: 123456, currency: 'INR', refunded_amount: 0, merchant_id: 'mer_1', customer_id: 'cus_1', created_at: '2026-12-01T00:00:00Z' });
const AUTH = JSON.stringify({ id: 'txn_0123456789abcdef', status: 'authorized', amount: 123456, currency: 'INR', captured_amount: 0, refunded_amount: 0 });
const CAP = JSON.stringify({ id: 'txn_0123456789abcdef', status: 'captured', amount: 123456, currency: 'INR', captured_amount: 123456, refunded_amount: 0 });
const REF = JSON.stringify({ id: 'ref_0123456789abcdef', amount: 100, status: 'succeeded' });
const LIST = JSON.stringify({ data: [JSON.parse(PAY), JSON.parse(PAY)] });
const OK = JSON.stringify({ status: 'ok' });
const SETTLE = JSON.stringify({ date: '2026-12-01', currency_totals: [{ currency: 'INR', total: 1 }] });
const BATCH = JSON.stringify({ results: [0, 1, 2, 3, 4].map((index) => ({ index, status: 201, body: JSON.parse(AUTH) })) });
const NOTFOUND = JSON.stringify({ error: { code: 'not_found' } });
class Response {
  constructor(status, body) { this.status = status; this.body = body; this.error = ''; this.parsed = undefined; }
  // k6 parses a body once and hands back the same result on every json() call (its Response keeps it).
  json() { return this.parsed === undefined ? (this.parsed = JSON.parse(this.body)) : this.parsed; }
}
function route(method, url) {
  const q = url.indexOf('?');
  const path = url.slice(url.indexOf('/', 8), q < 0 ? undefined : q);
  if (path === '/health') return new Response(200, OK);
  if (path.includes('does_not_exist')) return new Response(404, NOTFOUND);
  if (method === 'POST') {
    if (path === '/api/v1/payments') return new Response(201, PAY);
    if (path.endsWith('/refunds') || path === '/api/v1/refunds') return new Response(201, REF);
    if (path === '/api/v1/authorizations') return new Response(201, AUTH);
    if (path.endsWith('/capture')) return new Response(200, CAP);
    if (path === '/api/v1/batch') return new Response(200, BATCH);
  } else {
    if (path.startsWith('/api/v1/payments/')) return new Response(200, PAY);
    if (path.startsWith('/api/v1/transactions/')) return new Response(200, AUTH);
    if (path.endsWith('/transactions')) return new Response(200, LIST);
    if (path === '/api/v1/settlements') return new Response(200, SETTLE);
  }
  return new Response(404, NOTFOUND);
}
function request(method, url, body, params) { return route(method, url); }
const http = {
  request,
  get: (url, params) => request('GET', url, null, params),
  post: (url, body, params) => request('POST', url, body, params),
  expectedStatuses: (...s) => ({ expected: s }),
  setResponseCallback() {},
};
export default http;
export const expectedStatuses = http.expectedStatuses;
