// The Grafana dashboard of a distributed run, built from the scenario's own thresholds and task weights,
// so each budget is drawn as a line on the panel that shows its metric and a changed budget cannot leave
// a stale line behind. Every query reads the merged series of all runners of one test id ($testid).
// Business counters and custom rates (the audit scenario's integrity gates) get panels of their own.
// Pure, tested in Node; deploy/grafana/generate.ts writes deploy/grafana/dashboards/<scenario>.json from
// the bundle (its thresholds and task weights, read with k6 inspect).
import type { TaskMixRow } from '../tasks.ts';
import { selector } from './promql.ts';
import { quantileOf, type Threshold } from './thresholds.ts';

const SEL = '{testid="$testid"}';
const RATE = '[$__rate_interval]';

interface Target { expr: string; legendFormat: string; refId: string }
interface Panel {
  id: number;
  type: 'timeseries';
  title: string;
  description: string;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig: { defaults: { unit: string }; overrides: [] };
  targets: Target[];
}

/** A constant line: Grafana draws `vector(bound)` as a flat series with the threshold as its legend. */
function line(bound: number, legend: string): Omit<Target, 'refId'> {
  return { expr: `vector(${bound})`, legendFormat: `threshold ${legend}` };
}

function nameOf(t: Threshold): string {
  return t.tags.name ?? 'all requests';
}

/** Grafana's query letters: A..Z, then AA, AB, … (a panel of many counters has more than 26). */
function refId(j: number): string {
  return j < 26 ? String.fromCharCode(65 + j) : refId(Math.floor(j / 26) - 1) + String.fromCharCode(65 + (j % 26));
}

const BUILTIN_RATES = new Set(['http_reqs', 'http_req_failed', 'checks']);
/** k6's own counters: never in a summary's `counters` (those are the scenario's), always counters. */
const BUILTIN_COUNTERS = ['http_reqs', 'iterations', 'dropped_iterations', 'data_sent', 'data_received'];

/**
 * The scenario's counters among its thresholds' metrics, as far as the thresholds tell (k6 inspect gives
 * no metric types): k6 lets `count` compare a counter or a trend, and this kit's trends are k6's own
 * timings (http_req_*, iteration_duration), whose samples no budget counts. So a metric with a `count`
 * threshold and no timing name is a counter.
 */
export function counterMetrics(thresholds: readonly Threshold[]): string[] {
  const timing = (m: string) => (m.startsWith('http_req_') && m !== 'http_reqs') || m === 'iteration_duration';
  return [...new Set(thresholds.filter((t) => t.stat === 'count' && !timing(t.metric) && !BUILTIN_COUNTERS.includes(t.metric)).map((t) => t.metric))].sort();
}

/**
 * Panels for thresholds on counters (`count`) and custom rate metrics (`rate`): each judged value
 * over all runners, with one line per distinct threshold expression (an audit run has a dozen `count<=0`).
 * `counters` are the scenario's counter metrics (counterMetrics): a count threshold on a metric not
 * among them stays without a panel, and a `rate` on one of them is a counter's rate, not a rate metric:
 * not drawn here.
 */
function counterAndRatePanels(thresholds: readonly Threshold[], counters: ReadonlySet<string>, take: (f: (t: Threshold) => boolean) => Threshold[]) {
  const isCounter = (t: Threshold) => t.stat === 'count' && counters.has(t.metric);
  const isRate = (t: Threshold) => t.stat === 'rate' && !BUILTIN_RATES.has(t.metric) && !counters.has(t.metric);
  const lines = (ts: readonly Threshold[]) => {
    const by = new Map<string, { bound: number; keys: string[] }>();
    for (const t of ts) by.set(t.expression, { bound: t.bound, keys: [...(by.get(t.expression)?.keys ?? []), t.key] });
    return [...by.entries()].map(([expression, l]) => ({ ...line(l.bound, expression), keys: l.keys }));
  };
  const describe = (what: string, ls: ReturnType<typeof lines>) => `${what} Threshold lines: ${ls.map((l) => `${l.legendFormat.replace('threshold ', '')} for ${l.keys.join(', ')}`).join('; ')}.`;
  const keysOf = (ts: readonly Threshold[]) => [...new Map(ts.map((t) => [t.key, t])).values()];
  const panels: Array<{ title: string; description: string; unit: string; targets: Target[] }> = [];
  // Untagged counters share a panel; each tagged counter (recon_minor{kind,currency}) gets its own.
  const counterGroups = new Map<string, Threshold[]>();
  for (const t of take(isCounter)) {
    const group = Object.keys(t.tags).length === 0 ? '' : t.metric;
    counterGroups.set(group, [...(counterGroups.get(group) ?? []), t]);
  }
  for (const [group, ts] of [...counterGroups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const ls = lines(ts);
    panels.push({
      title: group ? `${group} by ${Object.keys(ts[0]!.tags).join(', ')} (all runners)` : 'Counters with thresholds (all runners)',
      description: describe('Each counter summed over the runners, as the verdict judges it (0 before its first sample).', ls),
      unit: 'short',
      targets: [
        ...keysOf(ts).map((t) => ({ expr: `sum(k6_${t.metric}_total${selector('$testid', t.tags)}) or vector(0)`, legendFormat: t.key })),
        ...ls.map(({ expr, legendFormat }) => ({ expr, legendFormat })),
      ] as Target[],
    });
  }
  const rates = take(isRate);
  if (rates.length > 0) {
    const ls = lines(rates);
    panels.push({
      title: 'Rates with thresholds (lowest and highest series)',
      description: describe('The verdict decides a rate metric when its lowest and highest series agree on the side of the bound.', ls),
      unit: 'percentunit',
      targets: [
        ...keysOf(rates).flatMap((t) => [
          { expr: `min(k6_${t.metric}_rate${selector('$testid', t.tags)})`, legendFormat: `${t.key} lowest` },
          { expr: `max(k6_${t.metric}_rate${selector('$testid', t.tags)})`, legendFormat: `${t.key} highest` },
        ]),
        ...ls.map(({ expr, legendFormat }) => ({ expr, legendFormat })),
      ] as Target[],
    });
  }
  return panels;
}

export function dashboard(scenario: string, thresholds: readonly Threshold[], mix: readonly TaskMixRow[], counters: readonly string[] = []): Record<string, unknown> {
  const unplaced = (t: Threshold) => `${t.key}: ${t.expression}`;
  const drawn = new Set<Threshold>();
  const take = (f: (t: Threshold) => boolean) => thresholds.filter((t) => !drawn.has(t) && f(t) && drawn.add(t));
  const duration = (q: number) => take((t) => t.metric === 'http_req_duration' && quantileOf(t.stat) === q);
  const percentile = (q: number) => [
    { expr: `histogram_quantile(${q}, sum by (name) (k6_http_req_duration_seconds${SEL})) * 1000`, legendFormat: '{{name}}' },
    { expr: `histogram_quantile(${q}, sum(k6_http_req_duration_seconds${SEL})) * 1000`, legendFormat: 'all requests' },
    ...duration(q).map((t) => line(t.bound, `${t.expression} ${nameOf(t)}`)),
  ];
  const reqs = `k6_http_reqs_total${SEL}`;
  const panels: Array<Omit<Panel, 'id' | 'gridPos' | 'fieldConfig' | 'type'> & { unit: string }> = [
    {
      title: 'Requests/s and iterations/s (all runners)',
      description: 'Merged throughput of every runner of the test id.',
      unit: 'reqps',
      targets: [
        { expr: `sum(rate(${reqs}${RATE}))`, legendFormat: 'requests/s' },
        { expr: `sum(rate(k6_iterations_total${SEL}${RATE}))`, legendFormat: 'iterations/s' },
        // A throughput threshold is judged over the whole run (requests / duration); drawn against the live rate.
        ...take((t) => (t.metric === 'http_reqs' || t.metric === 'iterations') && t.stat === 'rate').map((t) => line(t.bound, `${t.expression} ${t.key}`)),
      ] as Target[],
    },
    {
      title: 'Requests/s by runner',
      description: 'One line per runner label: a runner that stalls or dies shows here first.',
      unit: 'reqps',
      targets: [{ expr: `sum by (runner) (rate(${reqs}${RATE}))`, legendFormat: '{{runner}}' }] as Target[],
    },
    {
      title: 'p95 by endpoint, whole run so far (ms)',
      description: 'histogram_quantile over the runners\' summed native histograms: the verdict\'s value at the end of the run.',
      unit: 'ms',
      targets: percentile(0.95) as Target[],
    },
    {
      title: 'p99 by endpoint, whole run so far (ms)',
      description: 'As p95; within one histogram bucket (9.05%) of k6\'s own percentile (docs/distributed.md).',
      unit: 'ms',
      targets: percentile(0.99) as Target[],
    },
    {
      title: 'Error rate by endpoint and status',
      description: 'Share of each endpoint\'s requests that failed, by status (0 when none did).',
      unit: 'percentunit',
      targets: [
        {
          expr:
            `sum by (name, status) (rate(k6_http_reqs_total{testid="$testid",expected_response="false"}${RATE})) / ignoring(status) group_left sum by (name) (rate(${reqs}${RATE}))` +
            ` or sum by (name) (rate(${reqs}${RATE})) * 0`,
          legendFormat: '{{name}} {{status}}',
        },
        ...take((t) => t.metric === 'http_req_failed' && t.stat === 'rate').map((t) => line(t.bound, `${t.expression} ${nameOf(t)}`)),
      ] as Target[],
    },
    {
      title: 'Checks passing, by check',
      description: 'Each check\'s pass rate (the lowest over the runners).',
      unit: 'percentunit',
      targets: [
        { expr: `min by (check) (k6_checks_rate${SEL})`, legendFormat: '{{check}}' },
        ...take((t) => t.metric === 'checks' && t.stat === 'rate').map((t) => line(t.bound, t.expression)),
      ] as Target[],
    },
    {
      title: 'Task mix: achieved share vs weight',
      description: 'Runs of each task over all runners, as a share of all task runs; dashed lines are the weights.',
      unit: 'percentunit',
      targets: [
        {
          expr:
            `sum by (task) (label_replace({__name__=~"k6_task_.+_total",testid="$testid"}, "task", "$1", "__name__", "k6_task_(.+)_total"))` +
            ` / scalar(sum({__name__=~"k6_task_.+_total",testid="$testid"}))`,
          legendFormat: '{{task}}',
        },
        ...mix.map((r) => ({ expr: `vector(${r.expectedShare})`, legendFormat: `weight ${r.userClass}_${r.task}` })),
      ] as Target[],
    },
    {
      title: 'VUs and dropped iterations',
      description: 'Active VUs over all runners and by runner; dropped iterations (0 when none).',
      unit: 'short',
      targets: [
        { expr: `sum(k6_vus${SEL})`, legendFormat: 'VUs (all)' },
        { expr: `sum by (runner) (k6_vus${SEL})`, legendFormat: 'VUs {{runner}}' },
        { expr: `sum(k6_dropped_iterations_total${SEL}) or vector(0)`, legendFormat: 'dropped iterations' },
        ...take((t) => t.metric === 'dropped_iterations' && t.stat === 'count' && Object.keys(t.tags).length === 0).map((t) => line(t.bound, `${t.expression} dropped iterations`)),
      ] as Target[],
    },
    // What is left: per-endpoint "no data" gates (http_reqs{name} count>0), business counters, custom rates.
    ...counterAndRatePanels(thresholds, new Set([...BUILTIN_COUNTERS, ...counters]), take),
  ];
  const missing = thresholds.filter((t) => !drawn.has(t)).map(unplaced);
  if (missing.length > 0) {
    throw new Error(`no dashboard panel for threshold(s): ${missing.join('; ')} (a count threshold needs its metric among the run summary's counters)`);
  }
  return {
    title: `paykit distributed: ${scenario}`,
    uid: `paykit-${scenario}`,
    schemaVersion: 39,
    time: { from: 'now-30m', to: 'now' },
    refresh: '5s',
    tags: ['paykit', 'k6'],
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', current: { text: 'Prometheus', value: 'paykit-prometheus' } },
        {
          name: 'testid',
          label: 'test id',
          type: 'query',
          datasource: { type: 'prometheus', uid: '${datasource}' },
          query: { query: 'label_values(k6_http_reqs_total, testid)', refId: 'testid' },
          refresh: 2,
        },
      ],
    },
    panels: panels.map((p, i): Panel => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      description: p.description,
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 9, w: 12, h: 9 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: p.targets.map((t, j) => ({ ...t, refId: refId(j), datasource: { type: 'prometheus', uid: '${datasource}' } })),
    })),
  };
}

/** Every PromQL expression of a dashboard, with its panel title. */
export function expressions(d: Record<string, unknown>): Array<{ panel: string; expr: string; legend: string }> {
  return (d.panels as Panel[]).flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr, legend: t.legendFormat })));
}
