import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bandOf, BASELINE_SCHEMA, binomialTailLog, compare, DEFAULT_BAND, judgeAgainstBaseline, LOAD_GENERATOR, MIN_BAND, MIN_LATENCY_CHANGE_MS, mergeBaselines, refusal,
  type Baseline, type Comparison, type EndpointAggregate, type RunAggregate,
} from '../../lib/baseline.ts';
import { busierNote, renderComparisonMarkdown, renderComparisonText } from '../../lib/report/comparison.ts';
import { checkedBaseline, saveBaseline, takeBaselineArg } from '../../cli/baseline.ts';

const ID = { scenario: 'payment', profile: 'smoke', load: '4 VUs (closed model), 6s', k6Version: 'v2.2.0' };

function ep(name: string, p50: number, opts: Partial<EndpointAggregate> = {}): EndpointAggregate {
  return { name, requests: 2000, failed: 0, p50Ms: p50, p95Ms: p50 * 2, p99Ms: p50 * 3, ratePerSecond: 300, ...opts };
}
const run = (...endpoints: EndpointAggregate[]): RunAggregate => ({ finishedAt: '2026-01-01T00:00:00Z', durationSeconds: 6, endpoints });
const baseline = (...runs: RunAggregate[]): Baseline => ({ schema: BASELINE_SCHEMA, ...ID, runs });

const HEALTHY = baseline(run(ep('POST /p', 1)), run(ep('POST /p', 1.2)), run(ep('POST /p', 0.9)));

test('a run within the measured spread and under the absolute floor is within noise', () => {
  const c = compare(HEALTHY, run(ep('POST /p', 2.5)));
  assert.deepEqual(c.regressions, []);
  assert.ok(c.rows.every((r) => r.outcome === 'within noise'), JSON.stringify(c.rows));
});

test('50 ms more fails p50, naming the endpoint and metric; a tail only beyond its floor (MIN_LATENCY_CHANGE_MS); the band is measured', () => {
  const c = compare(HEALTHY, run(ep('POST /p', 51, { p95Ms: 52, p99Ms: 53 })));
  assert.deepEqual(c.regressions, ['POST /p p50 ms'], 'p95 and p99 +50 ms: inside their 75 and 200 ms floors');
  const tails = compare(HEALTHY, run(ep('POST /p', 51, { p95Ms: 2 + MIN_LATENCY_CHANGE_MS.p95 + 1, p99Ms: 3 + MIN_LATENCY_CHANGE_MS.p99 + 1 })));
  assert.deepEqual(tails.regressions, ['POST /p p50 ms', 'POST /p p95 ms', 'POST /p p99 ms']);
  const p50 = c.rows.find((r) => r.metric === 'p50 ms')!;
  assert.equal(p50.bandSource, 'measured');
  assert.equal(p50.baseline, 1);
  // the largest deviation from the median is 20%: 3 × 20% = 60% > MIN_BAND
  assert.ok(Math.abs(p50.band! - 0.6) < 1e-9, String(p50.band));
});

test('faster is an improvement, never a regression', () => {
  const slow = baseline(run(ep('POST /p', 40)), run(ep('POST /p', 42)));
  const c = compare(slow, run(ep('POST /p', 5, { ratePerSecond: 900 })));
  assert.deepEqual(c.regressions, []);
  assert.equal(c.rows.find((r) => r.metric === 'p50 ms')!.outcome, 'improvement');
  assert.equal(c.rows.find((r) => r.metric === 'throughput /s')!.outcome, 'improvement');
});

test('one baseline run uses the documented default band', () => {
  const one = baseline(run(ep('POST /p', 10)));
  const row = compare(one, run(ep('POST /p', 14))).rows.find((r) => r.metric === 'p50 ms')!;
  assert.equal(row.bandSource, 'default');
  assert.equal(row.band, DEFAULT_BAND['p50 ms']);
  assert.equal(row.outcome, 'within noise');
  assert.equal(compare(one, run(ep('POST /p', 25))).rows.find((r) => r.metric === 'p50 ms')!.outcome, 'regression');
});

test('bandOf: never narrower than MIN_BAND, and three times the widest deviation', () => {
  assert.equal(bandOf([10, 10, 10], 'p95 ms').band, MIN_BAND['p95 ms']);
  assert.equal(bandOf([300, 300, 300], 'throughput /s').band, MIN_BAND['throughput /s']);
  assert.ok(Math.abs(bandOf([10, 12, 8, 10], 'p95 ms').band - 0.6) < 1e-9);
  assert.equal(bandOf([10], 'p95 ms').source, 'default');
});

test('percentiles on too few requests are not compared, and say why', () => {
  const few = baseline(run(ep('GET /x', 1, { requests: 150 })), run(ep('GET /x', 1, { requests: 150 })));
  const c = compare(few, run(ep('GET /x', 500, { requests: 150, p95Ms: 900, p99Ms: 900 })));
  const p95 = c.rows.find((r) => r.metric === 'p95 ms')!;
  assert.equal(p95.outcome, 'not compared');
  assert.match(p95.note!, /150 requests in a run; p95 is compared from 200/);
  assert.equal(c.rows.find((r) => r.metric === 'p99 ms')!.outcome, 'not compared');
  assert.equal(c.rows.find((r) => r.metric === 'p50 ms')!.outcome, 'regression');
});

test('error rate: 2% on a clean baseline fails; one stray failure does not', () => {
  const clean = baseline(run(ep('POST /p', 1, { requests: 1500 })), run(ep('POST /p', 1, { requests: 1500 })));
  const two = compare(clean, run(ep('POST /p', 1, { requests: 1500, failed: 30 })));
  assert.deepEqual(two.regressions, ['POST /p error rate']);
  const one = compare(clean, run(ep('POST /p', 1, { requests: 1500, failed: 1 })));
  assert.deepEqual(one.regressions, []);
});

test('error rate: a baseline that already fails 2% accepts 2% and flags fewer as an improvement', () => {
  const noisy = baseline(run(ep('POST /p', 1, { requests: 5000, failed: 100 })), run(ep('POST /p', 1, { requests: 5000, failed: 100 })));
  assert.equal(compare(noisy, run(ep('POST /p', 1, { requests: 5000, failed: 110 }))).rows.find((r) => r.metric === 'error rate')!.outcome, 'within noise');
  assert.equal(compare(noisy, run(ep('POST /p', 1, { requests: 5000, failed: 0 }))).rows.find((r) => r.metric === 'error rate')!.outcome, 'improvement');
  assert.equal(compare(noisy, run(ep('POST /p', 1, { requests: 5000, failed: 200 }))).rows.find((r) => r.metric === 'error rate')!.outcome, 'regression');
});

test('throughput: a halved rate is a regression', () => {
  assert.deepEqual(compare(HEALTHY, run(ep('POST /p', 1, { ratePerSecond: 120 }))).regressions, ['POST /p throughput /s']);
});

test('binomialTailLog agrees with the exact sum on small numbers', () => {
  // P(X >= 2), n = 5, p = 0.1: 1 - 0.9^5 - 5·0.1·0.9^4
  const exact = 1 - 0.9 ** 5 - 5 * 0.1 * 0.9 ** 4;
  assert.ok(Math.abs(Math.exp(binomialTailLog(2, 5, 0.1)) - exact) < 1e-12);
  assert.equal(binomialTailLog(0, 5, 0.1), 0);
  assert.ok(Number.isFinite(binomialTailLog(400, 100_000, 0.003)));
});

test('another scenario, profile, load or k6 version is refused with the reason; an unknown version is not', () => {
  assert.equal(refusal(ID, ID), null);
  assert.match(refusal(ID, { ...ID, profile: 'load' })!, /profile: baseline 'smoke', this run 'load'/);
  assert.match(refusal(ID, { ...ID, load: '8 VUs (closed model), 6s' })!, /load: baseline '4 VUs/);
  assert.match(refusal(ID, { ...ID, k6Version: 'v2.3.0' })!, /k6 version: baseline 'v2.2.0', this run 'v2.3.0'/);
  assert.match(refusal(ID, { ...ID, scenario: 'banking' })!, /scenario/);
  assert.equal(refusal({ ...ID, k6Version: null }, ID), null);
});

test('mergeBaselines joins runs of one kind and refuses a mix', () => {
  const a = baseline(run(ep('POST /p', 1)));
  assert.equal(mergeBaselines([a, a, a]).runs.length, 3);
  assert.throws(() => mergeBaselines([a, { ...a, profile: 'load' }]), /differ among themselves: .*profile/);
  assert.throws(() => mergeBaselines([]), /no baseline run/);
});

test('an endpoint missing from the baseline is reported, not judged', () => {
  const c = compare(HEALTHY, run(ep('POST /p', 1), ep('GET /new', 100)));
  const row = c.rows.find((r) => r.endpoint === 'GET /new')!;
  assert.equal(row.outcome, 'not compared');
  assert.deepEqual(c.regressions, []);
});

test('text and Markdown show baseline, current, change and band for each row', () => {
  const c = compare(HEALTHY, run(ep('POST /p', 51)));
  const text = renderComparisonText(c, 'reports/baselines/main.json');
  assert.match(text, /REGRESSION in POST \/p p50 ms/);
  assert.match(text, /POST \/p\s+p50 ms\s+1\.00\s+51\.00\s+\+5000%\s+±60% \(measured\)\s+REGRESSION/);
  const md = renderComparisonMarkdown(c, 'main');
  assert.match(md, /\| `POST \/p` \| p50 ms \| 1\.00 \| 51\.00 \| \+5000% \| ±60% \(measured\) \| ❌ regression \|/);
});

test('junit.xml: each compared row a test case, a regression a failure naming endpoint, metric and values', async () => {
  const { renderJunit } = await import('../../lib/report/render.ts');
  const c = compare(HEALTHY, run(ep('POST /p', 51)));
  const r = {
    schema: 'paykit.summary/v1' as const, scenario: 'payment', profile: 'smoke', verdict: 'fail' as const, finishedAt: '', durationSeconds: 6,
    thresholds: [], failedThresholds: [], requests: { count: 1, ratePerSecond: 1, failedRate: 0 }, latencyMs: { avg: 1, p95: 1, p99: 1, max: 1 },
    checks: { passes: 1, fails: 0, rate: 1 }, iterations: { count: 1, ratePerSecond: 1, dropped: 0 }, taskMix: [], counters: {},
    baseline: { source: 'main', ...c },
  };
  const xml = renderJunit(r);
  const compared = c.rows.filter((x) => x.outcome !== 'not compared').length;
  assert.match(xml, new RegExp(`<testsuites name="k6" tests="${compared}" failures="${c.regressions.length}"`));
  assert.match(xml, /name="POST \/p p50 ms" time="0">\s*<failure message="POST \/p p50 ms regressed beyond the baseline's noise: baseline 1, current 51/);
  assert.match(xml, /name="POST \/p error rate" time="0"><\/testcase>/);
});

const cpu = (msPerRequest: number, processes = 1) => ({ processes, cpuMs: msPerRequest * 2000, msPerRequest });
const withFacts = (r: RunAggregate, facts: Partial<RunAggregate>): RunAggregate => ({ ...r, ...facts });

test('the load generator\'s CPU per request: compared with its own measured band where both sides have it with as many k6 processes', () => {
  const base = baseline(...[1, 1.1, 0.95].map((v) => withFacts(run(ep('POST /p', 1)), { loadGenerator: cpu(v) })));
  const row = (c: ReturnType<typeof compare>) => c.rows.find((r) => r.endpoint === LOAD_GENERATOR)!;
  const same = compare(base, withFacts(run(ep('POST /p', 1)), { loadGenerator: cpu(1.05) }));
  assert.equal(row(same).outcome, 'within noise');
  assert.equal(row(same).bandSource, 'measured');
  const heavier = compare(base, withFacts(run(ep('POST /p', 1)), { loadGenerator: cpu(2) }));
  assert.deepEqual(heavier.regressions, [`${LOAD_GENERATOR} cpu ms/request`]);
  const lighter = compare(base, withFacts(run(ep('POST /p', 1)), { loadGenerator: cpu(0.3) }));
  assert.equal(row(lighter).outcome, 'improvement');
  const other = compare(base, withFacts(run(ep('POST /p', 1)), { loadGenerator: cpu(2, 3) }));
  assert.equal(row(other).outcome, 'not compared');
  assert.match(row(other).note!, /the baseline ran 1 k6 process\(es\), this run 3/);
  assert.equal(compare(HEALTHY, withFacts(run(ep('POST /p', 1)), { loadGenerator: cpu(2) })).rows.find((r) => r.endpoint === LOAD_GENERATOR)!.note, 'not measured in every baseline run');
  assert.equal(compare(base, run(ep('POST /p', 1))).rows.find((r) => r.endpoint === LOAD_GENERATOR), undefined, 'no row when this run did not measure it');
});

test('a regression on a busier machine says so, with both load averages; a quiet one does not', () => {
  const base = baseline(...[0.8, 1.1, 0.9].map((l) => withFacts(run(ep('POST /p', 1)), { loadAverage: l })));
  const busy = compare(base, withFacts(run(ep('POST /p', 51)), { loadAverage: 3.4 }));
  assert.deepEqual(busy.loadAverage, { baseline: 0.9, current: 3.4, busier: true });
  assert.match(busierNote(busy)!, /this run ran on a busier machine than its baseline \(1-minute load average 3\.40 against 0\.90\)/);
  assert.match(renderComparisonText(busy, 'b'), /note: this run ran on a busier machine/);
  assert.match(renderComparisonMarkdown(busy, 'b'), /⚠️ this run ran on a busier machine/);
  const quiet = compare(base, withFacts(run(ep('POST /p', 51)), { loadAverage: 1.5 }));
  assert.equal(quiet.loadAverage!.busier, false);
  assert.equal(busierNote(quiet), null);
  assert.doesNotMatch(renderComparisonText(quiet, 'b'), /busier/);
  assert.equal(compare(HEALTHY, run(ep('POST /p', 1))).loadAverage, undefined);
});

test('judgeAgainstBaseline: a regression fails a passing report, an error stays an error, the comparison is attached', () => {
  const report = { verdict: 'pass', finishedAt: '', durationSeconds: 6, endpoints: [{ name: 'POST /p', requests: 2000, failed: 0, p50Ms: 51, p95Ms: 102, p99Ms: 153 }] };
  const judged = judgeAgainstBaseline(report, HEALTHY, 'main');
  assert.equal(judged.report.verdict, 'fail');
  assert.equal(judged.report.baseline.source, 'main');
  assert.ok(judged.report.baseline.regressions.includes('POST /p p50 ms'));
  assert.equal(judgeAgainstBaseline({ ...report, verdict: 'error' }, HEALTHY, 'main').report.verdict, 'error');
  const fine = { ...report, endpoints: [{ name: 'POST /p', requests: 2000, failed: 0, p50Ms: 1, p95Ms: 2, p99Ms: 3 }] };
  assert.equal(judgeAgainstBaseline(fine, HEALTHY, 'main').report.verdict, 'pass');
});

test('an unknown load (a scenario with its own shape) is not a difference', () => {
  assert.equal(refusal({ ...ID, load: null }, ID), null);
  assert.equal(refusal(ID, { ...ID, load: null }), null);
});

test('the MAD band (bench/baseline-methods.ts): one odd baseline run does not widen it; without floors the statistic alone', () => {
  const values = [10, 10.5, 9.5, 10.2, 30];
  assert.ok(bandOf(values, 'p95 ms').band > 5, 'the spread band follows the odd run');
  const mad = bandOf(values, 'p95 ms', { method: 'mad' }).band;
  assert.ok(mad < 0.3, String(mad));
  assert.equal(bandOf([10, 10, 10], 'p95 ms', { floors: false }).band, 0);
});

test('--baseline on a directory of runs of several scenarios gives each its own; none of its kind is refused with the nearest reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-baseline-unit-'));
  const save = (name: string, b: Baseline) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'summary.json'), JSON.stringify({ schema: 'paykit.summary/v1', verdict: 'pass', scenario: b.scenario, profile: b.profile, endpoints: [{ name: 'x', requests: 1, failed: 0 }] }));
    writeFileSync(join(dir, name, 'baseline.json'), JSON.stringify(b));
  };
  save('payment-1', baseline(run(ep('POST /p', 1))));
  save('payment-2', baseline(run(ep('POST /p', 1.2))));
  save('banking-1', { ...baseline(run(ep('GET /b', 1))), scenario: 'banking' });
  assert.equal(checkedBaseline(dir, ID).runs.length, 2);
  assert.equal(checkedBaseline(dir, { ...ID, scenario: 'banking' }).runs.length, 1);
  assert.throws(() => checkedBaseline(dir, { ...ID, scenario: 'banking', load: '9 VUs (closed model), 6s' }), /refused: the baseline is another kind of run \(load: baseline '4 VUs \(closed model\), 6s', this run '9 VUs/);
  assert.throws(() => checkedBaseline(dir, { ...ID, scenario: 'failures' }), /refused: .*scenario: baseline '.*', this run 'failures'/);
  // Saved as one file: a set with one baseline per kind, read back the same way.
  const { out, kinds } = saveBaseline([dir], 'suite', join(dir, 'saved'));
  assert.deepEqual(kinds.map((k) => `${k.scenario}:${k.runs.length}`).sort(), ['banking:1', 'payment:2']);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).schema, 'paykit.baseline-set/v1');
  assert.equal(checkedBaseline(out, ID).runs.length, 2);
  assert.equal(checkedBaseline(out, { ...ID, scenario: 'banking' }).runs.length, 1);
  assert.throws(() => saveBaseline([dir], '../x', join(dir, 'saved')), /--name must be letters/);
  rmSync(dir, { recursive: true, force: true });
});

test('takeBaselineArg: takes --baseline and its path from anywhere; a missing path is named', () => {
  const argv = ['payment', '--baseline', 'main', '--quiet'];
  assert.equal(takeBaselineArg(argv), 'main');
  assert.deepEqual(argv, ['payment', '--quiet']);
  assert.equal(takeBaselineArg(['payment']), undefined);
  assert.throws(() => takeBaselineArg(['payment', '--baseline']), /--baseline needs a path/);
  assert.throws(() => takeBaselineArg(['payment', '--baseline', '--quiet']), /--baseline needs a path/);
});

test('withBaseline (distributed, verdict, flat memory): no per-endpoint data or another kind of run is an error, never a silent pass', async () => {
  const { withBaseline } = await import('../../cli/baseline.ts');
  const loaded = { baseline: HEALTHY, source: 'main' };
  type R = Parameters<typeof withBaseline>[0] & { baseline?: Comparison };
  const report: R = { scenario: 'payment', profile: 'smoke', run: { targets: [], load: ID.load, seed: 1, startedAt: '' }, verdict: 'pass', finishedAt: '', durationSeconds: 6, endpoints: [{ name: 'POST /p', requests: 2000, failed: 0, p95Ms: 102, p99Ms: 153 }] };
  const slow = withBaseline(report, loaded, ID.k6Version);
  assert.equal(slow.verdict, 'fail');
  assert.equal(slow.baseline?.rows.find((r) => r.metric === 'p50 ms')?.outcome, 'not compared', 'a merged report has no p50');
  const empty = withBaseline({ ...report, endpoints: [] }, loaded, ID.k6Version);
  assert.equal(empty.verdict, 'error');
  assert.match(empty.error!, /--baseline main: this run's report has no per-endpoint data to compare/);
  const other = withBaseline({ ...report, run: { targets: [], seed: 1, startedAt: '', load: '9 VUs (closed model), 6s' } }, loaded, ID.k6Version);
  assert.equal(other.verdict, 'error');
  assert.match(other.error!, /refused after the run: .*load: baseline '4 VUs/);
  assert.equal(withBaseline(report, null, ID.k6Version), report, 'no --baseline: the report as it was');
});
