// The Prometheus verdict is pure but for its reader: here the reader answers from a table, so the rules
// (a value judged against its bound, no runner data or a missing runner is an error) run without a server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleReport } from '../../lib/verdict/assemble.ts';
import { judgeRun, type PromReader, type PromSample } from '../../lib/verdict/from-prometheus.ts';
import { thresholdsFromInspect } from '../../lib/verdict/thresholds.ts';

const TIME = 1_800_000_000;

/** A Prometheus holding `runners` runners' request counters for test id t1, `requests` in all. */
function reader(runners: string[], requests: number): PromReader {
  const sample = (metric: Record<string, string>, v: number): PromSample => ({ metric, value: [TIME, String(v)] });
  return {
    url: 'http://prometheus.test',
    async query(promql) {
      if (runners.length === 0) return [];
      if (promql.startsWith('sum by (runner) (')) return runners.map((r) => sample({ runner: r }, requests / runners.length));
      if (/^sum\(last_over_time\(k6_http_reqs_total\{testid="t1"\}\[\d+s\]\)\)$/.test(promql)) return [sample({}, requests)];
      return [];
    },
    async labelValues(label) {
      if (label === 'runner') return runners;
      return label === '__name__' && runners.length > 0 ? ['k6_http_reqs_total'] : [];
    },
  };
}

async function verdictOf(prom: PromReader, expression: string, expectedRunners: number) {
  const thresholds = thresholdsFromInspect({ http_reqs: [expression] });
  const v = await judgeRun({ prom, testId: 't1', time: TIME, rangeSeconds: 60, thresholds, expectedRunners, durationSeconds: 10 });
  return assembleReport({ scenario: 's', profile: 'smoke', durationSeconds: v.durationSeconds, judged: v.judged, summaries: v.summaries, latencyMs: v.latencyMs, runners: [], distributed: { testId: 't1', runners: v.labels.length, startSkewMs: null, prometheus: prom.url }, errors: v.errors });
}

test('a threshold over the merged counter: pass when it holds, fail when it is breached', async () => {
  const pass = await verdictOf(reader(['r0', 'r1'], 40), 'count>5', 2);
  assert.equal(pass.verdict, 'pass', pass.error);
  assert.deepEqual(pass.thresholds.map((t) => [t.metric, t.observed, t.ok]), [['http_reqs', 40, true]]);
  const fail = await verdictOf(reader(['r0', 'r1'], 40), 'count>50', 2);
  assert.equal(fail.verdict, 'fail');
  assert.deepEqual(fail.failedThresholds, ['http_reqs: count>50']);
});

test('no runner data and a missing runner are errors, never a pass', async () => {
  const none = await verdictOf(reader([], 0), 'count>5', 2);
  assert.equal(none.verdict, 'error');
  assert.match(none.error!, /no runner wrote data for test id 't1' to http:\/\/prometheus\.test/);
  const short = await verdictOf(reader(['r0'], 40), 'count>5', 2);
  assert.equal(short.verdict, 'error');
  assert.match(short.error!, /Prometheus holds data of 1 runners \(r0\) for test id 't1', expected 2/);
});
