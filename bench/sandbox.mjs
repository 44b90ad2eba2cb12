#!/usr/bin/env node
/**
 * Sandbox throughput benchmark with k6.
 *
 *   node bench/sandbox.mjs [--vus 30] [--duration 10s] [--k6 /path/to/k6]
 *
 * Starts the sandbox in its own process (tsx sandbox/main.ts, random ports, :memory: DB, logging off),
 * then runs one constant-vus k6 scenario per endpoint, one after the other:
 *   GET  /health            (payment port)
 *   POST /api/v1/payments   (payment port, a fresh valid card payment per request, expects 201)
 * and prints requests/s, p95 and the failure rate of each. k6 and the sandbox share the machine,
 * so figures are a floor, not a ceiling.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const VUS = Number(opt('vus', '30'));
const DURATION = opt('duration', '10s');
const K6 = opt('k6', process.env.K6_BIN ?? '/root/.cache/paykit-k6/v2.2.0/k6');

const SCRIPT = `
import http from 'k6/http';
import { check } from 'k6';

const BASE = __ENV.BASE_URL;
const TARGET = __ENV.TARGET;
const PARAMS = { headers: { Authorization: 'Bearer sandbox-token', 'Content-Type': 'application/json' } };

export const options = {
  scenarios: { main: { executor: 'constant-vus', vus: Number(__ENV.VUS), duration: __ENV.DURATION } },
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max'],
};

export default function () {
  if (TARGET === 'health') {
    const r = http.get(BASE + '/health');
    check(r, { '200': (x) => x.status === 200 });
  } else {
    const body = JSON.stringify({
      merchant_id: 'merch_' + (__VU % 50),
      amount: 100 + __ITER,
      currency: 'USD',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvv: '123' },
    });
    const r = http.post(BASE + '/api/v1/payments', body, PARAMS);
    check(r, { '201': (x) => x.status === 201 });
  }
}

export function handleSummary(data) {
  return { [__ENV.SUMMARY_OUT]: JSON.stringify(data) };
}
`;

function startSandbox() {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['sandbox/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PAYMENT_PORT: '0', BANKING_PORT: '0', SANDBOX_DB: ':memory:', SANDBOX_LOG: 'off', SANDBOX_RATE_LIMIT: 'off', SANDBOX_FAULTS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /payment=(\S+) banking=(\S+)/.exec(out);
      if (m) resolve({ child, paymentUrl: m[1], bankingUrl: m[2] });
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited early with ${code}`)));
  });
}

function runK6(target, baseUrl, dir) {
  const summary = join(dir, `${target}.json`);
  const script = join(dir, 'bench.js');
  writeFileSync(script, SCRIPT);
  const env = { ...process.env, BASE_URL: baseUrl, TARGET: target, VUS: String(VUS), DURATION, SUMMARY_OUT: summary, K6_NO_USAGE_REPORT: 'true' };
  const r = spawnSync(K6, ['run', '--quiet', '--no-color', script], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`k6 exited with ${r.status}`);
  const data = JSON.parse(readFileSync(summary, 'utf8'));
  const m = data.metrics;
  return {
    target,
    requests: m.http_reqs.values.count,
    rps: m.http_reqs.values.rate,
    p95: m.http_req_duration.values['p(95)'],
    p99: m.http_req_duration.values['p(99)'],
    med: m.http_req_duration.values.med,
    failed: m.http_req_failed.values.rate,
    checks: m.checks.values.rate,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'sandbox-bench-'));
const sb = await startSandbox();
const results = [];
try {
  for (const target of ['health', 'payments']) results.push(runK6(target, sb.paymentUrl, dir));
  const stats = await (await fetch(`${sb.paymentUrl}/api/v1/stats`, { headers: { authorization: 'Bearer sandbox-token' } })).json();
  console.log(`date: ${new Date().toISOString()}  node ${process.version}  k6 ${K6}  vus=${VUS} duration=${DURATION}`);
  console.log('| endpoint | requests | req/s | median ms | p95 ms | p99 ms | failed | checks ok |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const name = r.target === 'health' ? 'GET /health' : 'POST /api/v1/payments';
    console.log(`| ${name} | ${r.requests} | ${r.rps.toFixed(0)} | ${r.med.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.failed * 100).toFixed(2)}% | ${(r.checks * 100).toFixed(2)}% |`);
  }
  console.log(`payments stored: ${stats.payments}, audit entries: ${stats.audit_entries}`);
} finally {
  sb.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
