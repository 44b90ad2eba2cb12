// Runs one bundled scenario with the pinned k6 and collects its reports in one directory.
// Shared by `npm start` (cli/run.ts) and the readiness suite (cli/suite.ts).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { secretsOf } from '../lib/config.ts';
import type { PageReport } from '../lib/report/page/run.ts';
import { describeLoad, PROFILE_NAMES, resolveProfile } from '../lib/profiles.ts';
import { verdictOfExitCode, type Report, type Verdict } from '../lib/verdict/report-data.ts';
import type { Comparison } from '../lib/baseline.ts';
import { applyBaseline, runFacts, writeRunBaseline, type LoadedBaseline } from './baseline.ts';
import { reapedChildrenCpuMs } from './cpu.ts';
import { ensureK6, k6Env } from './k6.ts';
import { redactingStream, redactReportDir, writeReportFile } from './report-files.ts';
import { DASHBOARD_FILE, EVENTS_FILE, writeRunPage } from './report-page.ts';
import { examplesFromLog, FAILURE_TAG, lastErrorMessage } from '../lib/report/page/failures.ts';

export interface RunResult {
  scenario: string;
  profile: string;
  exitCode: number;
  verdict: Verdict;
  reportDir: string;
  /** What the exit code means, in words. */
  meaning: string;
  summary: Record<string, unknown> | null;
  /** k6's CPU time (user + system, ms) over the whole process, where it could be read (cli/cpu.ts). */
  k6CpuMs: number | null;
  /** The comparison with the baseline (RunOptions.baseline), when there was one; a regression makes exit 99. */
  comparison: (Comparison & { source: string }) | null;
}

/** k6's exit codes that users meet (go.k6.io/k6/errext/exitcodes). */
export function describeExitCode(code: number): string {
  switch (code) {
    case 0: return 'passed: every threshold held';
    case 99: return 'FAILED: a threshold was breached';
    case 97: return 'error: k6 could not set up the test (cloud/config)';
    case 104: return 'error: invalid options or configuration';
    case 105: return 'error: k6 was interrupted by an external abort';
    case 107: return 'error: script exception (see the message above)';
    case 108: return 'error: the test aborted itself (for example, target unreachable in setup)';
    case 130: return 'interrupted';
    default: return `error: k6 exited with code ${code}`;
  }
}

/**
 * The web dashboard's aggregation period for a run of `seconds`: about 30 points, at least 1 s. The
 * report page draws these points. At each period's end k6's dashboard sorts every trend's values of the
 * whole run so far, so its CPU per request grows with the number of periods: a fixed count keeps it
 * flat whatever the duration (the earlier 10 s cap gave a 30-minute soak 180 sorts; docs/reports.md).
 */
export function dashboardPeriod(seconds: number): string {
  return `${Math.max(1, Math.round(seconds / 30))}s`;
}

export function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
}

export interface RunOptions {
  scenario: string;
  profile: string;
  env: NodeJS.ProcessEnv;
  k6Args?: string[];
  reportsRoot?: string;
  /** Keep k6's output off our stdout (the suite prints its own table). */
  quiet?: boolean;
  /** Compare the finished run with it (checked before the run: cli/baseline.ts baselineFor). */
  baseline?: LoadedBaseline | null;
}

/** The scenarios there are: one per file in scenarios/. */
export function availableScenarios(dir = 'scenarios'): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/**
 * Both names become part of a report path, so only known names pass: a PROFILE such as '/../../x'
 * would otherwise write the reports outside reports/.
 */
export function checkRunNames(scenario: string, profile: string, known: readonly string[] = availableScenarios()): void {
  if (!known.includes(scenario)) throw new Error(`unknown scenario '${scenario}' (available: ${known.join(', ')})`);
  if (!(PROFILE_NAMES as readonly string[]).includes(profile)) {
    throw new Error(`PROFILE must be one of ${PROFILE_NAMES.join(', ')}; got '${profile}'`);
  }
}

export async function runScenario(opts: RunOptions): Promise<RunResult> {
  checkRunNames(opts.scenario, opts.profile);
  const secrets = secretsOf(opts.env);
  const k6 = await ensureK6();
  const reportDir = join(opts.reportsRoot ?? 'reports', `${opts.scenario}-${opts.profile}-${timestamp()}`);
  mkdirSync(reportDir, { recursive: true });
  // The dashboard report needs a few aggregation periods of data; its default 10 s period leaves a
  // short smoke run with no report at all.
  let seconds = 20;
  let load: string | null = null;
  try {
    const profile = resolveProfile({ ...opts.env, PROFILE: opts.profile });
    seconds = profile.durationSeconds;
    load = describeLoad(profile);
  } catch {
    /* k6 will report the bad value itself, naming the variable */
  }
  const period = dashboardPeriod(seconds);
  const env = k6Env({
    K6_WEB_DASHBOARD_PERIOD: period,
    ...opts.env,
    PROFILE: opts.profile,
    REPORT_DIR: reportDir,
    // Per endpoint as well as per group: the report page charts each endpoint's p95 from the dashboard's
    // own per-period aggregates (docs/reports.md, "report.html").
    K6_WEB_DASHBOARD_TAGS: `group,name,${FAILURE_TAG}`,
    K6_WEB_DASHBOARD: 'true',
    K6_WEB_DASHBOARD_EXPORT: join(reportDir, DASHBOARD_FILE),
    K6_WEB_DASHBOARD_RECORD: join(reportDir, EVENTS_FILE),
    // No live dashboard server: we only want the exported report, and runs must not fight over port 5665.
    K6_WEB_DASHBOARD_PORT: '-1',
  });
  const script = join('dist', `${opts.scenario}.js`);
  const cpuBefore = reapedChildrenCpuMs();
  // k6's stderr carries its log, and with K6_HTTP_DEBUG every request's headers: it is scrubbed on its
  // way to the terminal and to the report. Its stdout (banner, progress bars, handleSummary's text,
  // already scrubbed there) stays a terminal, so the progress bars still draw.
  const child = spawn(k6.path, ['run', ...(opts.k6Args ?? []), script], {
    env,
    stdio: ['inherit', opts.quiet ? 'ignore' : 'inherit', 'pipe'],
  });
  let stderrTail = '';
  // k6's log lines that carry a check's first failed response (lib/report/page/failures.ts), bounded: one per
  // VU and check at most, and the page keeps the first of each check.
  const exampleLines: string[] = [];
  let partial = '';
  const stderr = child.stderr!.pipe(redactingStream(secrets));
  stderr.on('data', (b: Buffer) => {
    stderrTail = (stderrTail + b.toString()).slice(-4000);
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (exampleLines.length < 500 && l.includes('first failed response')) exampleLines.push(l);
    if (!opts.quiet) process.stderr.write(b);
  });
  const stderrDone = new Promise<void>((resolve) => stderr.on('end', resolve));
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  let exitCode = await new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 130 : 1))));
  const cpuAfter = reapedChildrenCpuMs();
  const k6CpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  await stderrDone;
  redactReportDir(reportDir, secrets);

  const summaryPath = join(reportDir, 'summary.json');
  let summary: Record<string, unknown> | null = null;
  if (existsSync(summaryPath)) {
    summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, unknown>;
  }
  // k6 passes a threshold whose metric got no sample; the report does not (lib/verdict/from-summary.ts, "no data"),
  // and a run the report failed must not exit 0.
  if (exitCode === 0 && summary?.verdict === 'fail') exitCode = 99;
  let meaning = describeExitCode(exitCode);
  let verdict: Verdict = verdictOfExitCode(exitCode);
  if (!summary || verdict === 'error') {
    // k6 did not get to handleSummary (setup aborted, script error): leave a report that says why.
    summary = {
      ...(summary ?? { schema: 'paykit.summary/v1', scenario: opts.scenario, profile: opts.profile }),
      verdict,
      exitCode,
      error: reasonOf(meaning, stderrTail),
      k6StderrTail: stderrTail.split('\n').slice(-15).join('\n'),
    };
    writeReportFile(summaryPath, JSON.stringify(summary, null, 2) + '\n', secrets);
  }
  // What a baseline keeps of this run (baseline.json), and the comparison with one: a regression fails
  // the run as a breached budget does (docs/baseline.md).
  let comparison: RunResult['comparison'] = null;
  if (verdict !== 'error') {
    const report = summary as unknown as Report;
    const facts = runFacts({ cpuMs: k6CpuMs, processes: 1 }, report.requests?.count ?? 0);
    if (report.endpoints) writeRunBaseline(reportDir, report, k6.version, facts);
    const applied = opts.baseline ? applyBaseline(reportDir, report, opts.baseline, facts, secrets) : null;
    if (applied) {
      summary = applied.report as unknown as Record<string, unknown>;
      comparison = applied.report.baseline ?? null;
      if (exitCode === 0 && applied.comparison.regressions.length > 0) {
        exitCode = 99;
        verdict = 'fail';
        meaning = "FAILED: a regression beyond the baseline's noise";
      }
    }
  }
  writeRunPage({
    dir: reportDir,
    report: summary as unknown as PageReport,
    exitCode,
    meaning,
    env: opts.env,
    k6Version: k6.version,
    secrets,
    load,
    examples: examplesFromLog(exampleLines.join('\n')),
  });
  return { scenario: opts.scenario, profile: opts.profile, exitCode, verdict, reportDir, meaning, summary, k6CpuMs, comparison };
}

/** The exit code's meaning and, when k6 logged one, the error that ended the run. */
function reasonOf(meaning: string, stderr: string): string {
  const last = lastErrorMessage(stderr);
  return last ? `${meaning}: ${last}` : meaning;
}

export function listReports(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((f) => relative(process.cwd(), join(dir, f)));
}
