// npm run distributed -- <scenario> --runners N [--profile P]
// npm run distributed -- <scenario> --remote host:port,... --setup host:port --testid ID [--profile P]
// npm run distributed -- <scenario> --remote-from DIR --runners N --setup host:port --testid ID [--profile P]
//   (remote mode: runners started elsewhere, paused with --linger; PROMETHEUS_URL is the one they write to;
//   --remote-from reads their addresses from the slots they claimed in DIR: cli/distributed/claims.ts)
//
// Runs one test as N k6 processes on this host and gives one verdict over all of them: thresholds read
// from the bundle, judged over the merged data in Prometheus. Exit codes as a single run: 0 pass,
// 99 a threshold breached over the whole run, 1 an error (a runner that failed to start, died, or whose
// data is missing). docs/distributed.md explains how and with which error bound.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS, secretsOf } from '../lib/config.ts';
import { exitCodeOf } from '../lib/verdict/report-data.ts';
import { endpointsFromPrometheus } from '../lib/verdict/from-prometheus.ts';
import { prometheusReader } from './distributed/prometheus.ts';
import { writeReports } from './report-page.ts';
import { prometheusSeries } from './distributed/series.ts';
import { runDistributed } from './distributed/coordinator.ts';
import { waitForClaims } from './distributed/claims.ts';
import { runRemote } from './distributed/remote.ts';
import { timestamp } from './run-scenario.ts';
import { mkdirSync } from 'node:fs';
import { targetsOrSandbox } from './sandbox-process.ts';
import { ensureK6 } from './k6.ts';
import { baselineFor, expectedLoad, runFacts, takeBaselineArg, withBaseline } from './baseline.ts';

export interface CliArgs {
  scenario: string;
  runners: number;
  profile: string;
  /**
   * Remote mode: the runners' `[label=]host:port` (or, with `from`, the directory of their claims, read
   * when the run starts), the setup runner's address, the runners' testid tag.
   */
  remote?: { runners: string[]; from?: string; setup: string | null; testId: string };
  /** --baseline: compare with kept runs (docs/baseline.md). */
  baseline?: string;
}

const USAGE =
  'usage: npm run distributed -- <scenario> --runners N [--profile P] | (--remote host:port,... | --remote-from DIR --runners N) [--setup host:port] --testid ID   [--baseline <run dir | summary.json | dir of runs | saved name>]';

export function parseArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  const argv = [...args];
  const baseline = takeBaselineArg(argv);
  return { ...parseRunArgs(argv, env), ...(baseline ? { baseline } : {}) };
}

function parseRunArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliArgs {
  let scenario = '';
  let runners = NaN;
  let profile: string = env.PROFILE || DEFAULTS.PROFILE;
  let remote: string[] | null = null;
  let from: string | null = null;
  let setup: string | null = null;
  let testId = '';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runners') runners = Number(argv[++i]);
    else if (a === '--profile') profile = argv[++i] ?? '';
    else if (a === '--remote') remote = (argv[++i] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    else if (a === '--remote-from') from = argv[++i] ?? '';
    else if (a === '--setup') setup = argv[++i] ?? null;
    else if (a === '--testid') testId = argv[++i] ?? '';
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (${USAGE})`);
    else scenario = a;
  }
  if (!scenario) throw new Error(USAGE);
  if (remote && from !== null) throw new Error(`--remote and --remote-from exclude each other (${USAGE})`);
  if (from !== null) {
    if (!from) throw new Error(`--remote-from needs the directory the runners claim their slots in (${USAGE})`);
    if (!Number.isInteger(runners) || runners < 1 || runners > 64) throw new Error(`--remote-from needs --runners, a whole number from 1 to 64: how many slots to wait for (${USAGE})`);
    if (!testId) throw new Error(`--testid is required with --remote-from: the testid tag the runners were started with (${USAGE})`);
    return { scenario, runners, profile, remote: { runners: [], from, setup, testId } };
  }
  if (remote) {
    if (remote.length === 0) throw new Error(`--remote needs at least one host:port (${USAGE})`);
    if (!testId) throw new Error(`--testid is required with --remote: the testid tag the runners were started with (${USAGE})`);
    return { scenario, runners: remote.length, profile, remote: { runners: remote, setup, testId } };
  }
  if (!Number.isInteger(runners) || runners < 1 || runners > 64) throw new Error(`--runners must be a whole number from 1 to 64, got '${runners}'`);
  return { scenario, runners, profile };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const k6Version = (await ensureK6()).version;
  // A baseline of another kind is refused before any load, as npm start refuses it (exit 2).
  let baseline;
  try {
    baseline = baselineFor(args.baseline, { scenario: args.scenario, profile: args.profile, load: expectedLoad(args.profile), k6Version });
  } catch (e) {
    console.error(`distributed: ${(e as Error).message}`);
    return 2;
  }
  if (args.remote) {
    const remote = args.remote.from ? await waitForClaims(args.remote.from, args.runners) : args.remote.runners;
    if (args.remote.from) console.log(`runners claimed in ${args.remote.from}: ${remote.join(' ')}`);
    const { report } = await runRemote({ scenario: args.scenario, profile: args.profile, remote, setup: args.remote.setup, testId: args.remote.testId, env: process.env, log: (l) => console.log(l) });
    const dir = join('reports', `${args.scenario}-${args.profile}-distributed-${timestamp()}`);
    mkdirSync(dir, { recursive: true });
    // The runners' Prometheus outlives this process: the page's charts are read from it now.
    const end = Date.parse(report.finishedAt) / 1000;
    // Runners that kept no summary: the endpoints from Prometheus, as the coordinator reads them.
    if (report.verdict !== 'error' && (report.endpoints ?? []).length === 0) {
      const now = Date.now() / 1000;
      report.endpoints = await endpointsFromPrometheus(prometheusReader(report.distributed.prometheus), report.distributed.testId, now, now - end + report.durationSeconds + 60, report.thresholds);
    }
    const series = await prometheusSeries(report.distributed.prometheus, report.distributed.testId, end - report.durationSeconds - 5, end, (report.endpoints ?? []).map((e) => e.name), (l) => console.log(l), report.thresholds.filter((t) => !t.ok));
    // The runners ran elsewhere: neither their CPU nor their machine's load is known here.
    const judged = withBaseline(report, baseline, k6Version);
    process.stdout.write(writeReports(dir, judged, secretsOf({ ...process.env, PROFILE: args.profile }), series, k6Version));
    console.log(`  reports: ${dir}/{summary.json,summary.md,junit.xml,summary.txt,report.html}`);
    return exitCodeOf(judged.verdict);
  }
  const { env, sandbox } = await targetsOrSandbox({ k6Path: (await ensureK6()).path, path: join('dist', `${args.scenario}.js`) });
  try {
    const result = await runDistributed({ ...args, env, log: (l) => console.log(l) });
    const secrets = secretsOf(env);
    const facts = runFacts(result.k6Cpu, result.report.requests.count);
    const report = withBaseline(result.report, baseline, k6Version, facts);
    process.stdout.write(writeReports(result.reportDir, report, secrets, result.series, k6Version, facts));
    console.log(`  reports: ${result.reportDir}/{summary.json,summary.md,junit.xml,summary.txt,report.html}`);
    return exitCodeOf(report.verdict);
  } finally {
    await sandbox?.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(`distributed: ${e.message}`);
      process.exit(1);
    },
  );
}
