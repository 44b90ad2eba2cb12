// npm run verdict -- --scenario <s> --testid <id> --prometheus <url> [--runners N] [--profile P]
//
// The global verdict of a distributed test, from the Prometheus its runners wrote to: for runners the
// coordinator did not start (docker compose, the k6-operator), or to judge again later. It reads the
// thresholds from the bundle as the coordinator does, judges them with the same code (lib/verdict/from-prometheus.ts),
// prints the same table and writes the same reports. Exit 0 pass, 99 a threshold breached, 1 an error:
// no data for the test id, fewer runners than --runners, a threshold the data cannot decide.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { DEFAULTS, secretsOf } from '../lib/config.ts';
import type { RunSeries } from '../lib/report/page/series.ts';
import { assembleReport } from '../lib/verdict/assemble.ts';
import { endpointsFromPrometheus, judgeRun, scalar, SETUP_RUNNER, type PromReader } from '../lib/verdict/from-prometheus.ts';
import { selector } from '../lib/verdict/promql.ts';
import { exitCodeOf, type DistributedReport } from '../lib/verdict/report-data.ts';
import { baselineFor, expectedLoad, withBaseline } from './baseline.ts';
import { inspectThresholds } from './bundle.ts';
import { usePrometheus } from './distributed/prometheus.ts';
import { prometheusSeries } from './distributed/series.ts';
import { ensureK6 } from './k6.ts';
import { writeReports } from './report-page.ts';
import { checkRunNames, timestamp } from './run-scenario.ts';

const USAGE = 'usage: npm run verdict -- --scenario <s> --testid <id> --prometheus <url> [--runners N] [--profile P] [--reports DIR] [--baseline <run dir | summary.json | dir of runs | saved name>]';

export interface VerdictArgs {
  scenario: string;
  testId: string;
  prometheus: string;
  runners: number | null;
  profile: string;
  reportsRoot: string;
  /** --baseline: compare with kept runs (docs/baseline.md). */
  baseline?: string;
}

export function parseVerdictArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): VerdictArgs {
  const a: VerdictArgs = { scenario: '', testId: '', prometheus: env.PROMETHEUS_URL ?? '', runners: null, profile: env.PROFILE || DEFAULTS.PROFILE, reportsRoot: 'reports' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value (${USAGE})`);
      return v;
    };
    if (flag === '--scenario') a.scenario = value();
    else if (flag === '--testid') a.testId = value();
    else if (flag === '--prometheus') a.prometheus = value();
    else if (flag === '--profile') a.profile = value();
    else if (flag === '--reports') a.reportsRoot = value();
    else if (flag === '--baseline') a.baseline = value();
    else if (flag === '--runners') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`--runners must be a whole number from 1 to 1000, got '${argv[i]}'`);
      a.runners = n;
    } else throw new Error(`unknown option ${flag} (${USAGE})`);
  }
  if (!a.scenario) throw new Error(`--scenario is required (${USAGE})`);
  if (!a.testId.trim()) throw new Error(`--testid is required: the testid tag the runners were started with (${USAGE})`);
  if (!a.prometheus) throw new Error(`--prometheus (or PROMETHEUS_URL) is required (${USAGE})`);
  return a;
}

/**
 * How far back the test's float series reach: its first sample, found on a one-minute grid (timestamp()
 * gives the sample's own time), plus margin. A test older than a day is not found: an error, not a pass.
 */
async function rangeOf(prom: PromReader, testId: string, time: number): Promise<number> {
  const first = await scalar(prom, `min(min_over_time(timestamp(k6_iterations_total${selector(testId)})[24h:1m]))`, time);
  return first === null ? 3600 : time - first + 120;
}

export async function verdict(a: VerdictArgs, env: NodeJS.ProcessEnv): Promise<{ report: DistributedReport; reportDir: string; series: RunSeries | null; k6Version: string }> {
  checkRunNames(a.scenario, a.profile);
  const prom = await usePrometheus({ ...env, PROMETHEUS_URL: a.prometheus });
  const k6 = await ensureK6();
  const runEnv = { ...env, PROFILE: a.profile };
  const thresholds = inspectThresholds(k6.path, join('dist', `${a.scenario}.js`), runEnv);
  const time = Date.now() / 1000;
  const rangeSeconds = await rangeOf(prom.reader, a.testId, time);
  const v = await judgeRun({ prom: prom.reader, testId: a.testId, time, rangeSeconds, thresholds, expectedRunners: a.runners });
  const report = assembleReport({
    scenario: a.scenario,
    profile: a.profile,
    durationSeconds: v.durationSeconds,
    judged: v.judged,
    summaries: v.summaries,
    latencyMs: v.latencyMs,
    runners: [...v.stored.entries()].sort().map(([runner, requests]) => ({ runner, segment: runner === SETUP_RUNNER ? 'setup/teardown' : '-', requests, exit: null })),
    distributed: { testId: a.testId, runners: v.labels.length, startSkewMs: null, prometheus: prom.url },
    errors: v.errors,
  });
  const reportDir = join(a.reportsRoot, `${a.scenario}-${a.profile}-verdict-${timestamp()}`);
  mkdirSync(reportDir, { recursive: true });
  if ((report.endpoints ?? []).length === 0) {
    // No process's own summary here: each budgeted endpoint's counts from Prometheus, its merged
    // percentiles from the thresholds that read them.
    report.endpoints = await endpointsFromPrometheus(prom.reader, a.testId, time, rangeSeconds, report.thresholds);
  }
  // The test's first sample is rangeSeconds - 120 before the query time (rangeOf).
  const endpoints = (report.endpoints ?? []).map((e) => e.name);
  const series = await prometheusSeries(prom.url, a.testId, time - rangeSeconds + 120, time, endpoints, (l) => console.log(l), report.thresholds.filter((t) => !t.ok));
  return { report, reportDir, series, k6Version: k6.version };
}

async function main(): Promise<number> {
  const args = parseVerdictArgs(process.argv.slice(2));
  // Refused before Prometheus is read, as npm start refuses it before load (exit 2).
  let baseline;
  try {
    baseline = baselineFor(args.baseline, { scenario: args.scenario, profile: args.profile, load: expectedLoad(args.profile), k6Version: (await ensureK6()).version });
  } catch (e) {
    console.error(`verdict: ${(e as Error).message}`);
    return 2;
  }
  const judged = await verdict(args, process.env);
  const { reportDir, series, k6Version } = judged;
  // Judged after the fact: the runners' CPU and their machine's load then are not known here.
  const report = withBaseline(judged.report, baseline, k6Version);
  process.stdout.write(writeReports(reportDir, report, secretsOf({ ...process.env, PROFILE: args.profile }), series, k6Version));
  console.log(`  reports: ${reportDir}/{summary.json,summary.md,junit.xml,summary.txt,report.html}`);
  return exitCodeOf(report.verdict);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(`verdict: ${e.message}`);
      process.exit(1);
    },
  );
}
