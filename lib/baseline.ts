// Regression against a baseline: is this run slower, more failing or slower-flowing than the runs it is
// compared with, by more than those runs differ among themselves? Pure, tested in Node; the method and
// its figures are in docs/baseline.md. Somewhat over 350 lines because the decision is one unit (the
// identity, the bands, the binomial test, one row per metric, the one judge every command calls); how
// it reads to people is lib/report/comparison.ts.
import type { Comparison, ComparisonRow, EndpointResult, LatencyStat, Metric, Outcome, Report } from './verdict/report-data.ts';

// The comparison's shape is part of the report schema (a report carries it); re-exported for its users.
export type { Comparison, ComparisonRow, LatencyStat, Metric, Outcome };

export const BASELINE_SCHEMA = 'paykit.baseline/v1';

/** What makes two runs comparable: a baseline with another value of any of these is refused. */
export interface RunIdentity {
  scenario: string;
  profile: string;
  /** The load shape in words (lib/profiles.ts describeLoad): VUs or rate and duration. */
  load: string | null;
  k6Version: string | null;
}

/** One endpoint of one run: aggregates only, never samples. */
export interface EndpointAggregate {
  name: string;
  requests: number;
  failed: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  ratePerSecond: number;
}

/** The k6 processes' CPU time (user + system) over a run, where it was measured (cli/cpu.ts). */
export interface LoadGeneratorCpu {
  /** How many k6 processes made the load (a distributed run: its runners and the setup process). */
  processes: number;
  cpuMs: number;
  /** cpuMs over every request the run made. */
  msPerRequest: number;
}

/** What a run records of itself beyond its report: the load generator's CPU and the machine's load. */
export interface RunFacts {
  loadGenerator?: LoadGeneratorCpu | null;
  /** The machine's 1-minute load average as the run ended (os.loadavg), to tell a busy machine from slow code. */
  loadAverage?: number | null;
}

export interface RunAggregate extends RunFacts {
  finishedAt: string;
  durationSeconds: number;
  endpoints: EndpointAggregate[];
}

/** The comparison data kept for a baseline: one or more runs of one identity. */
export interface Baseline extends RunIdentity {
  schema: typeof BASELINE_SCHEMA;
  runs: RunAggregate[];
}


/** The row name of the load generator's CPU per request: it belongs to the run, not to an endpoint. */
export const LOAD_GENERATOR = 'load generator (k6)';

/**
 * Requests an endpoint needs, in the current run and in every baseline run, before a percentile is
 * compared: p95 and p99 need at least 10 samples above them, or one slow request moves them.
 */
export const MIN_REQUESTS: Record<LatencyStat, number> = { p50: 20, p95: 200, p99: 1000 };
/** Throughput and error rate are compared from this many requests per run. */
export const MIN_REQUESTS_RATE = 20;

/**
 * The band with one baseline run, where no spread can be measured: a change must exceed this fraction.
 * Chosen from the measured spreads in docs/baseline.md (largest healthy spread of a tail percentile on
 * a busy 2-core machine about 40%; k6's CPU per request 0.95..1.68 ms over 20 healthy runs, so one run
 * may sit 78% below another); a single run cannot say more.
 */
export const DEFAULT_BAND: Record<Metric, number> = { 'p50 ms': 0.5, 'p95 ms': 1, 'p99 ms': 1, 'error rate': 0, 'throughput /s': 0.5, 'cpu ms/request': 1 };
/**
 * With several runs: band = max(MIN_BAND, SPREAD_FACTOR × the largest relative deviation from their
 * median). The floor is there because baseline runs taken in a quiet minute cannot see the load that
 * arrives later on a shared machine: a healthy run's throughput fell 32% against five baseline runs
 * that agreed within 2% (docs/baseline.md, second measurement). k6's CPU per request moved −24..+44%
 * between healthy runs (bench/baseline-methods.ts): its floor is 50%.
 */
export const SPREAD_FACTOR = 3;
export const MIN_BAND: Record<Metric, number> = { 'p50 ms': 0.25, 'p95 ms': 0.25, 'p99 ms': 0.25, 'error rate': 0, 'throughput /s': 0.5, 'cpu ms/request': 0.5 };
/**
 * A latency change must also exceed this many milliseconds. On a shared machine a percentile of a few
 * milliseconds multiplies when other work takes the CPU. Measured side by side (bench/baseline-methods.ts,
 * docs/baseline.md, two recordings of 20 healthy runs at load average 7-14 on 2 cores): a healthy p50
 * moved by at most +7 ms, a p95 by up to +80 ms and a p99 by up to +196 ms, while the 50 ms fault moves
 * the p50 by 50 ms. So the p50 catches a slowdown and the tails catch only a large one: 10 ms at p50, 75
 * and 200 ms at p95 and p99 (the earlier 25 and 40 ms false-alarmed on 6.5% of healthy runs out of sample,
 * these on 1.7%, catching every fault run in both).
 */
export const MIN_LATENCY_CHANGE_MS: Record<LatencyStat, number> = { p50: 10, p95: 75, p99: 200 };
/** One-sided significance for the error-rate test, per endpoint. */
export const ERROR_ALPHA = 0.001;

export function identityOf(r: Pick<Report, 'scenario' | 'profile' | 'run'>, k6Version: string | null): RunIdentity {
  return { scenario: r.scenario, profile: r.profile, load: r.run?.load ?? null, k6Version };
}

export function aggregateOf(r: Pick<Report, 'finishedAt' | 'durationSeconds' | 'endpoints'>, facts: RunFacts = {}): RunAggregate {
  const secs = r.durationSeconds > 0 ? r.durationSeconds : 1;
  return {
    ...(facts.loadGenerator ? { loadGenerator: facts.loadGenerator } : {}),
    ...(facts.loadAverage !== undefined && facts.loadAverage !== null ? { loadAverage: facts.loadAverage } : {}),
    finishedAt: r.finishedAt,
    durationSeconds: r.durationSeconds,
    endpoints: (r.endpoints ?? []).map((e: EndpointResult) => ({
      name: e.name,
      requests: e.requests,
      failed: e.failed,
      p50Ms: e.p50Ms ?? null,
      p95Ms: e.p95Ms ?? null,
      p99Ms: e.p99Ms ?? null,
      ratePerSecond: e.requests / secs,
    })),
  };
}

/** Why runs of `current` cannot be compared with `baseline`, or null when they can. */
export function refusal(baseline: RunIdentity, current: RunIdentity): string | null {
  const diffs: string[] = [];
  const keys: (keyof RunIdentity)[] = ['scenario', 'profile', 'load', 'k6Version'];
  for (const k of keys) {
    const b = baseline[k];
    const c = current[k];
    // An unknown k6 version (a summary.json from before it was recorded) is not a difference, nor an
    // unknown load: a scenario with a shape of its own records none.
    if ((k === 'k6Version' || k === 'load') && (b === null || c === null)) continue;
    if (b !== c) diffs.push(`${k === 'k6Version' ? 'k6 version' : k}: baseline '${b}', this run '${c}'`);
  }
  return diffs.length === 0 ? null : `the baseline is another kind of run (${diffs.join('; ')})`;
}

/** Several baselines (runs saved one by one) become one, provided they are all of one identity. */
export function mergeBaselines(parts: readonly Baseline[]): Baseline {
  if (parts.length === 0) throw new Error('no baseline run found');
  const first = parts[0]!;
  for (const p of parts.slice(1)) {
    const why = refusal(first, p);
    if (why) throw new Error(`the baseline runs differ among themselves: ${why}`);
  }
  const k6Version = parts.find((p) => p.k6Version !== null)?.k6Version ?? null;
  return { ...first, k6Version, runs: parts.flatMap((p) => p.runs) };
}

/**
 * "Busier" is a whole core's worth more of runnable work than the baseline's median, and above every
 * baseline run: the load average moves by a fraction between quiet runs, and by one or more when another
 * job takes a core (docs/baseline.md).
 */
export const BUSIER_BY = 1;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The band from the baseline runs' own spread, or the default with one run. */
export function bandOf(values: readonly number[], metric: Metric, o: CompareOptions = {}): { center: number; band: number; source: 'measured' | 'default' } {
  const center = median(values);
  if (values.length < 2 || center === 0) return { center, band: DEFAULT_BAND[metric], source: 'default' };
  const deviations = values.map((v) => Math.abs(v - center) / center);
  // The alternative measured side by side in bench/baseline-methods.ts: a robust band from the median
  // absolute deviation (scaled to a normal sigma), which one odd baseline run does not widen.
  const spread = o.method === 'mad' ? MAD_SIGMA * median(deviations) : Math.max(...deviations);
  const floor = o.floors === false ? 0 : (o.minBand?.[metric] ?? MIN_BAND[metric]);
  return { center, band: Math.max(floor, SPREAD_FACTOR * spread), source: 'measured' };
}

/** How a band is measured: `spread` (the gate's) or `mad`, with or without the floors; for the bench. */
export interface CompareOptions {
  method?: 'spread' | 'mad';
  /** false: no MIN_BAND and no MIN_LATENCY_CHANGE_MS, the statistic alone. */
  floors?: boolean;
  /** Other floors than MIN_BAND and MIN_LATENCY_CHANGE_MS, to measure them. */
  minBand?: Partial<Record<Metric, number>>;
  minChangeMs?: Partial<Record<LatencyStat, number>>;
}
/** 1.4826 × MAD estimates a normal distribution's standard deviation. */
const MAD_SIGMA = 1.4826;

/** ln Γ(x) for x > 0 (Lanczos, g = 7): accurate to about 1e-13, enough for a tail probability. */
function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log P(X >= k) for X ~ Binomial(n, p), summed in log space so large n does not underflow. */
export function binomialTailLog(k: number, n: number, p: number): number {
  if (k <= 0) return 0;
  if (k > n) return -Infinity;
  if (p <= 0) return -Infinity;
  if (p >= 1) return 0;
  const lnFact = (m: number) => lnGamma(m + 1);
  const lnN = lnFact(n);
  const terms: number[] = [];
  let lnK = lnFact(k);
  let lnNK = lnFact(n - k);
  for (let i = k; i <= n; i++) {
    terms.push(lnN - lnK - lnNK + i * Math.log(p) + (n - i) * Math.log1p(-p));
    lnK += Math.log(i + 1);
    if (n - i > 0) lnNK -= Math.log(n - i);
    if (i > k + 50 && terms[terms.length - 1]! < terms[0]! - 40) break;
  }
  const max = Math.max(...terms);
  return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
}

function latencyRow(name: string, stat: LatencyStat, base: EndpointAggregate[], cur: EndpointAggregate, o: CompareOptions): ComparisonRow {
  const metric: Metric = `${stat} ms`;
  const key = `${stat}Ms` as const;
  const need = MIN_REQUESTS[stat];
  const few = Math.min(cur.requests, ...base.map((b) => b.requests));
  const values = base.map((b) => b[key]).filter((v): v is number => v !== null);
  const current = cur[key];
  if (few < need || values.length < base.length || current === null) {
    // A merged (distributed) report holds only the percentiles its budgets ask for: no p50.
    const note = few < need ? `${few} requests in a run; ${stat} is compared from ${need}` : `no ${stat} in ${current === null ? "this run's report" : 'every baseline run'}`;
    return { endpoint: name, metric, baseline: values.length ? median(values) : null, current, change: null, band: null, bandSource: 'default', outcome: 'not compared', note };
  }
  const { center, band, source } = bandOf(values, metric, o);
  const change = center > 0 ? (current - center) / center : null;
  const floorMs = o.floors === false ? 0 : (o.minChangeMs?.[stat] ?? MIN_LATENCY_CHANGE_MS[stat]);
  const beyond = Math.abs(current - center) > floorMs && change !== null && Math.abs(change) > band;
  const outcome: Outcome = !beyond ? 'within noise' : current > center ? 'regression' : 'improvement';
  return { endpoint: name, metric, baseline: center, current, change, band, bandSource: source, outcome };
}

function throughputRow(name: string, base: EndpointAggregate[], cur: EndpointAggregate, o: CompareOptions): ComparisonRow {
  const metric: Metric = 'throughput /s';
  const few = Math.min(cur.requests, ...base.map((b) => b.requests));
  const values = base.map((b) => b.ratePerSecond);
  if (few < MIN_REQUESTS_RATE) {
    return { endpoint: name, metric, baseline: median(values), current: cur.ratePerSecond, change: null, band: null, bandSource: 'default', outcome: 'not compared', note: `${few} requests in a run; throughput is compared from ${MIN_REQUESTS_RATE}` };
  }
  const { center, band, source } = bandOf(values, metric, o);
  const change = center > 0 ? (cur.ratePerSecond - center) / center : null;
  const beyond = change !== null && Math.abs(change) > band;
  const outcome: Outcome = !beyond ? 'within noise' : change! < 0 ? 'regression' : 'improvement';
  return { endpoint: name, metric, baseline: center, current: cur.ratePerSecond, change, band, bandSource: source, outcome };
}

/**
 * Errors are counts, not a spread: the baseline runs' pooled failures give a rate (with half a failure
 * added, so a clean baseline is not taken as "can never fail"), and the current count is a regression
 * when a binomial with that rate makes it less likely than ERROR_ALPHA. Fewer errors are an improvement
 * only when the baseline's rate makes the current count as unlikely the other way.
 */
function errorRow(name: string, base: EndpointAggregate[], cur: EndpointAggregate): ComparisonRow {
  const metric: Metric = 'error rate';
  const n = base.reduce((s, b) => s + b.requests, 0);
  const f = base.reduce((s, b) => s + b.failed, 0);
  const rate = n > 0 ? f / n : null;
  const current = cur.requests > 0 ? cur.failed / cur.requests : null;
  if (cur.requests < MIN_REQUESTS_RATE || n < MIN_REQUESTS_RATE) {
    return { endpoint: name, metric, baseline: rate, current, change: null, band: null, bandSource: 'binomial test', outcome: 'not compared', note: `${Math.min(cur.requests, n)} requests; the error rate is compared from ${MIN_REQUESTS_RATE}` };
  }
  const p0 = (f + 0.5) / (n + 1);
  const up = Math.exp(binomialTailLog(cur.failed, cur.requests, p0));
  // The highest failure count that is still plausible, as a rate: the band shown in the report.
  let k = Math.floor(cur.requests * p0);
  while (k < cur.requests && Math.exp(binomialTailLog(k + 1, cur.requests, p0)) >= ERROR_ALPHA) k++;
  const band = k / cur.requests;
  const down = f > 0 ? Math.exp(binomialTailLog(cur.requests - cur.failed, cur.requests, 1 - p0)) : 1;
  const outcome: Outcome = up < ERROR_ALPHA ? 'regression' : down < ERROR_ALPHA ? 'improvement' : 'within noise';
  const change = rate !== null && rate > 0 && current !== null ? (current - rate) / rate : null;
  return { endpoint: name, metric, baseline: rate, current, change, band, bandSource: 'binomial test', outcome, note: `${cur.failed} of ${cur.requests} failed; up to ${k} is within the baseline's rate` };
}

/**
 * The load generator's CPU per request, where both sides measured it with as many k6 processes. It
 * includes k6's fixed costs (start, summary), so a run making far fewer requests shows more per request.
 */
function cpuRow(baseline: Baseline, cur: RunAggregate, o: CompareOptions): ComparisonRow | null {
  const metric: Metric = 'cpu ms/request';
  const c = cur.loadGenerator;
  if (!c) return null;
  const base = baseline.runs.map((r) => r.loadGenerator ?? null);
  const row = { endpoint: LOAD_GENERATOR, metric, current: c.msPerRequest };
  if (base.some((b) => b === null)) return { ...row, baseline: null, change: null, band: null, bandSource: 'default', outcome: 'not compared', note: 'not measured in every baseline run' };
  const other = base.find((b) => b!.processes !== c.processes);
  if (other) return { ...row, baseline: null, change: null, band: null, bandSource: 'default', outcome: 'not compared', note: `the baseline ran ${other.processes} k6 process(es), this run ${c.processes}` };
  const { center, band, source } = bandOf(base.map((b) => b!.msPerRequest), metric, o);
  const change = center > 0 ? (c.msPerRequest - center) / center : null;
  const beyond = change !== null && Math.abs(change) > band;
  const outcome: Outcome = !beyond ? 'within noise' : change! > 0 ? 'regression' : 'improvement';
  return { ...row, baseline: center, change, band, bandSource: source, outcome };
}

function loadAverageOf(baseline: Baseline, cur: RunAggregate): Comparison['loadAverage'] {
  const base = baseline.runs.map((r) => r.loadAverage).filter((v): v is number => typeof v === 'number');
  const current = cur.loadAverage ?? null;
  if (base.length === 0 && current === null) return undefined;
  const b = base.length > 0 ? median(base) : null;
  const busier = current !== null && b !== null && current >= b + BUSIER_BY && current > Math.max(...base);
  return { baseline: b, current, busier };
}

/** Every endpoint of the current run against the baseline runs. An endpoint the baseline lacks is reported, not judged. */
export function compare(baseline: Baseline, current: RunAggregate, o: CompareOptions = {}): Comparison {
  const rows: ComparisonRow[] = [];
  for (const cur of current.endpoints) {
    const base = baseline.runs.map((r) => r.endpoints.find((e) => e.name === cur.name)).filter((e): e is EndpointAggregate => e !== undefined);
    if (base.length < baseline.runs.length) {
      rows.push({ endpoint: cur.name, metric: 'p95 ms', baseline: null, current: cur.p95Ms, change: null, band: null, bandSource: 'default', outcome: 'not compared', note: 'not in every baseline run' });
      continue;
    }
    for (const stat of ['p50', 'p95', 'p99'] as const) rows.push(latencyRow(cur.name, stat, base, cur, o));
    rows.push(errorRow(cur.name, base, cur));
    rows.push(throughputRow(cur.name, base, cur, o));
  }
  const cpu = cpuRow(baseline, current, o);
  if (cpu) rows.push(cpu);
  const regressions = rows.filter((r) => r.outcome === 'regression').map((r) => `${r.endpoint} ${r.metric}`);
  const loadAverage = loadAverageOf(baseline, current);
  return { runs: baseline.runs.length, rows, regressions, ...(loadAverage ? { loadAverage } : {}) };
}

/**
 * A finished run's report judged against the baseline: the comparison attached as `baseline`, and a
 * regression fails a passing run as a breached budget does. The one place every command (npm start, the
 * suite, distributed, verdict, flat memory) turns a comparison into a verdict; an error stays an error.
 */
export function judgeAgainstBaseline<R extends Pick<Report, 'finishedAt' | 'durationSeconds' | 'endpoints'> & { verdict: string }>(
  report: R,
  baseline: Baseline,
  source: string,
  facts: RunFacts = {},
): { report: R & { baseline: Comparison & { source: string } }; comparison: Comparison } {
  const comparison = compare(baseline, aggregateOf(report, facts));
  const verdict = comparison.regressions.length > 0 && report.verdict === 'pass' ? 'fail' : report.verdict;
  return { report: { ...report, verdict, baseline: { source, ...comparison } }, comparison };
}
