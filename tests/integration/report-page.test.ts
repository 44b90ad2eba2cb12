// report.html in a real browser (Debian's Chromium, an optional package): after a healthy run, a run
// against a slow and failing sandbox and a run against a target that is down, the rendered DOM holds the
// verdict, every threshold row and every endpoint row; Chromium's network log shows the page asks for
// nothing (and shows it when a page does); no chart on the screenshot is empty.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runScenario, type RunResult } from '../../cli/run-scenario.ts';
import { startSandboxProcess } from '../../cli/sandbox-process.ts';
import { PALETTE } from '../../lib/report/page/charts.ts';
import type { Report } from '../../lib/verdict/report-data.ts';
import { colourShare, renderPage, screenshot } from '../helpers/browser.ts';
import { FAST } from '../helpers/k6.ts';
import { needing } from '../helpers/system.ts';

const { test, before } = needing('chromium');
const reportsRoot = resolve('reports', 'test-report-page');

async function run(faults: string | null, extra: Record<string, string> = {}): Promise<RunResult> {
  const sb = faults === null ? null : await startSandboxProcess(faults ? { SANDBOX_FAULTS: faults } : {});
  try {
    const urls = sb ? { PAYMENT_SERVICE_URL: sb.paymentUrl, BANKING_API_URL: sb.bankingUrl } : {};
    return await runScenario({ scenario: 'payment', profile: 'smoke', env: { ...process.env, ...FAST, ...urls, ...extra }, reportsRoot, quiet: true });
  } finally {
    await sb?.stop();
  }
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const text = (html: string) => unescape(html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));

function tableRows(dom: string, id: string): string[] {
  const t = new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(dom);
  assert.ok(t, `table #${id} in the DOM`);
  return [...t[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => text(m[1]!).trim());
}

function banner(dom: string): string {
  const b = /<header class="banner[^"]*" id="verdict"[^>]*>([\s\S]*?)<\/header>/.exec(dom);
  assert.ok(b, 'verdict banner in the DOM');
  return text(b[1]!).trim();
}

/** Every threshold of summary.json is a row of #budgets and every endpoint a row of #endpoints. */
function assertEveryRow(dom: string, report: Report): void {
  const budgets = tableRows(dom, 'budgets');
  assert.equal(budgets.length, report.thresholds.length);
  for (const t of report.thresholds) {
    const state = t.noData ? (t.ok ? 'optional' : 'no data') : t.ok ? 'ok' : 'breached';
    assert.ok(budgets.some((r) => r.includes(`${t.metric} ${t.expression}`) && r.trim().endsWith(state)), `row for ${t.metric} ${t.expression} (${state})`);
  }
  const endpoints = tableRows(dom, 'endpoints');
  assert.equal(endpoints.length, report.endpoints!.length);
  for (const e of report.endpoints!) assert.ok(endpoints.some((r) => r.trim().startsWith(`${e.name} ${e.requests} `)), `row for ${e.name}`);
}

const LINE_COLOURS = PALETTE.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number]);

/** Each chart's plotting area, cropped from a full-page screenshot, holds its lines' colours. */
function assertNoEmptyChart(html: string, dom: string): number {
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1]);
  const plots = [...dom.matchAll(/id="chart-([a-z]+)"[^>]*data-plot="(\d+),(\d+),(\d+),(\d+)"/g)];
  assert.ok(plots.length > 0 && height > 0, 'the charts were drawn');
  const png = screenshot(html, 1280, height);
  for (const [, id, x, y, w, h] of plots) {
    const rect = { x: Number(x), y: Number(y), w: Number(w), h: Number(h) };
    const share = LINE_COLOURS.reduce((sum, rgb) => sum + colourShare(png, rect, rgb, 24), 0);
    assert.ok(share > 0.001, `chart ${id} is empty: ${(share * 100).toFixed(3)}% of its plot is line`);
  }
  return plots.length;
}

let healthy: RunResult;
before(async () => {
  healthy = await run('', { DURATION: '6s' });
});

test('a healthy run: PASS, every budget and endpoint a row, k6\'s dashboard linked, no network request, no empty chart', () => {
  assert.equal(healthy.exitCode, 0);
  const html = resolve(healthy.reportDir, 'report.html');
  assert.ok(existsSync(resolve(healthy.reportDir, 'dashboard.html')), "k6's own export, renamed");
  const { dom, pageRequests } = renderPage(html);
  assert.deepEqual(pageRequests, [], 'the page asked for nothing');
  assert.match(banner(dom), /^PASS every budget held: \d+ thresholds, \d+ requests exit code 0$/);
  assertEveryRow(dom, healthy.summary as unknown as Report);
  assert.match(dom, /<a href="dashboard.html">/);
  assert.doesNotMatch(readFileSync(html, 'utf8'), /sandbox-token/, 'the token never reaches the page');
  assert.equal(assertNoEmptyChart(html, dom), 4);
});

test('the network check can fail: the same page with an outside image asks for it, and with our CSP it is blocked', async () => {
  // A port nothing listens on: the request fails at once, and Chromium's log still shows it was made.
  // (A server in this process could not answer: renderPage blocks the event loop while Chromium runs.)
  const port = await new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => done(p));
    });
  });
  const page = readFileSync(resolve(healthy.reportDir, 'report.html'), 'utf8');
  const img = `<img src="http://127.0.0.1:${port}/probe.png">`;
  const open = resolve(healthy.reportDir, 'open.html');
  writeFileSync(open, page.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('<body>', `<body>${img}`));
  assert.deepEqual(renderPage(open).pageRequests, [`http://127.0.0.1:${port}/probe.png`]);
  const guarded = resolve(healthy.reportDir, 'guarded.html');
  writeFileSync(guarded, page.replace('<body>', `<body>${img}`));
  assert.deepEqual(renderPage(guarded).pageRequests, [], 'the CSP stopped the request');
});

test('a slow and failing target (700 ms, 30% 503 on payments): FAIL naming the breached budgets, the failed statuses and a first example', async () => {
  const r = await run('latency=700ms; errors=0.3@POST /api/v1/payments', { DURATION: '10s' });
  assert.equal(r.exitCode, 99);
  const report = r.summary as unknown as Report;
  const { dom, pageRequests } = renderPage(resolve(r.reportDir, 'report.html'));
  assert.deepEqual(pageRequests, []);
  const b = banner(dom);
  assert.match(b, /^FAIL /);
  assert.match(b, /(p95 of POST \/api\/v1\/payments \d+ ms > 500 ms budget|failed requests of POST \/api\/v1\/payments [\d.]+% > 0\.00% budget)/);
  assert.match(b, /exit code 99$/);
  assertEveryRow(dom, report);
  const budgets = tableRows(dom, 'budgets');
  const breached = report.thresholds.filter((t) => !t.ok);
  assert.ok(breached.some((t) => t.metric === 'http_req_duration{name:POST /api/v1/payments}'), JSON.stringify(report.failedThresholds));
  // breached first
  breached.forEach((_, i) => assert.match(budgets[i]!.trim(), /(breached|no data)$/));
  const payments = tableRows(dom, 'endpoints').find((row) => row.startsWith('POST /api/v1/payments '))!;
  assert.match(payments, /\(503: \d+\)/);
  const failing = tableRows(dom, 'failing-checks');
  assert.ok(failing.some((row) => /^POST \/api\/v1\/payments status 201 \d+ \d+ status 503 \{"error":\{"code":"injected_fault"/.test(row)), failing.join('\n'));
  assert.match(dom, /breach started at [^:]+:\d\d:\d\d[^<]*: <code>POST \/api\/v1\/payments p\(95\)&lt;500<\/code>/);
  assertNoEmptyChart(resolve(r.reportDir, 'report.html'), dom);
});

test('a target that is down: ERROR, exit 108, and why', async () => {
  const r = await run(null, { PAYMENT_SERVICE_URL: 'http://127.0.0.1:9' });
  assert.equal(r.exitCode, 108);
  const { dom, pageRequests } = renderPage(resolve(r.reportDir, 'report.html'));
  assert.deepEqual(pageRequests, []);
  assert.match(banner(dom), /^ERROR the test aborted itself .*target unreachable: PAYMENT_SERVICE_URL=http:\/\/127\.0\.0\.1:9 .* exit code 108$/);
});
