// The report data: one schema for every run, single or distributed, judged from k6's summary or from
// Prometheus (docs/reports.md). Every renderer (lib/report/render.ts, lib/report/page/) reads this and nothing
// else. Pure types and the exit code a verdict gives.
import type { TaskMixRow } from '../tasks.ts';

/** `error`: the run could not be judged (setup() did not complete, a runner or its data missing). */
export type Verdict = 'pass' | 'fail' | 'error';

export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
  /** The statistic the expression compares (e.g. p(95), rate, count) and its observed value. */
  stat: string;
  observed: number | null;
  /**
   * The metric had no sample: nothing was judged. Such a threshold fails (`ok: false`) unless it belongs
   * to an endpoint whose budget is optional (docs/reports.md).
   */
  noData?: true;
}

export interface CheckResult {
  name: string;
  passes: number;
  fails: number;
}

/** One endpoint's traffic, from the sub-metrics its budget adds (`http_req_failed{name:…}`, `http_req_duration{name:…}`). */
export interface EndpointResult {
  name: string;
  requests: number;
  failed: number;
  p95Ms: number | null;
  p50Ms?: number | null;
  p90Ms?: number | null;
  p99Ms?: number | null;
  maxMs?: number | null;
}

export interface Report {
  schema: 'paykit.summary/v1';
  scenario: string;
  profile: string;
  verdict: Verdict;
  /** Why the verdict is `error`. */
  error?: string;
  finishedAt: string;
  durationSeconds: number;
  thresholds: ThresholdResult[];
  failedThresholds: string[];
  /** `retries`: documented "come back later" answers that were waited out and sent again (http_req_retries). */
  requests: { count: number; ratePerSecond: number; failedRate: number | null; retries?: number };
  latencyMs: { avg: number | null; p95: number | null; p99: number | null; max: number | null };
  checks: { passes: number; fails: number; rate: number | null };
  iterations: { count: number; ratePerSecond: number; dropped: number };
  taskMix: TaskMixRow[];
  /** Every other counter (business metrics such as payments_created), by name. */
  counters: Record<string, number>;
  /**
   * Every counter and counter sub-metric this process kept, by k6's key (`http_reqs{name:GET /x}`): the
   * exact counts a distributed verdict sums over processes (docs/distributed.md, "Exact counts").
   */
  counts?: Record<string, number>;
  /** Every check by name (they carry the endpoint name), failing ones first. */
  checkResults?: CheckResult[];
  /** Every budgeted endpoint's requests, failures and percentiles. */
  endpoints?: EndpointResult[];
  /** What ran against what (the report page's run facts): hosts only, never a URL's credentials. */
  run?: RunFacts;
  /** The comparison with a baseline (`npm start -- --baseline`, docs/baseline.md), when there was one. */
  baseline?: Comparison & { source: string };
}

export interface RunFacts {
  targets: string[];
  /** The load shape in words (lib/profiles.ts describeLoad); null for scenarios with their own shape. */
  load: string | null;
  seed: number | null;
  /** When setup() finished: load starts right after. */
  startedAt: string | null;
}

export interface RunnerRow {
  runner: string;
  /** `0:1/3`; the coordinator process that ran setup() and teardown() has `setup/teardown`. */
  segment: string;
  requests: number | null;
  exit: number | null;
}

/** A run judged from Prometheus: the same report plus the runners (cli/distributed.ts). */
export interface DistributedReport extends Report {
  distributed: { testId: string; runners: number; startSkewMs: number | null; prometheus: string; abortedBy?: string };
  runners: RunnerRow[];
  /** Why the verdict is `error`, naming the runner or the threshold. */
  error?: string;
}

/** 0 pass, 99 a global breach, 1 an error: the codes a single run gives (docs/reports.md). */
export function exitCodeOf(verdict: Verdict): number {
  return verdict === 'pass' ? 0 : verdict === 'fail' ? 99 : 1;
}

/** The verdict a k6 exit code stands for: the inverse of exitCodeOf (k6's other codes are errors). */
export function verdictOfExitCode(code: number): Verdict {
  return code === 0 ? 'pass' : code === 99 ? 'fail' : 'error';
}

// ---------------------------------------------------------------------------------------------
// A comparison with a baseline (decided in lib/baseline.ts, docs/baseline.md)

export type LatencyStat = 'p50' | 'p95' | 'p99';
export type Metric = `${LatencyStat} ms` | 'error rate' | 'throughput /s' | 'cpu ms/request';

export type Outcome = 'regression' | 'improvement' | 'within noise' | 'not compared';

export interface ComparisonRow {
  endpoint: string;
  metric: Metric;
  baseline: number | null;
  current: number | null;
  /** Relative change (0.1 = 10% more); null when the baseline is 0 or a side is missing. */
  change: number | null;
  /** The allowed relative change; for the error rate, the highest rate the baseline makes plausible. */
  band: number | null;
  bandSource: 'measured' | 'default' | 'binomial test';
  outcome: Outcome;
  /** Why a row was not compared, or what decided it. */
  note?: string;
}

export interface Comparison {
  runs: number;
  rows: ComparisonRow[];
  /** "POST /api/v1/payments p95 ms": every regression, for the gate's message. */
  regressions: string[];
  /** The 1-minute load average as the baseline runs (median) and this run ended, where recorded. */
  loadAverage?: { baseline: number | null; current: number | null; busier: boolean };
}
