// The readiness suite: runs several scenarios in sequence under one profile, prints one table, and
// writes suite.json with a READY / NOT READY decision and its reasons. Exits 0 only when READY.
//   npm run suite -- --scenarios payment,banking,failures --profile smoke [--fail-fast] [--out DIR]
//   npm run suite -- --scenarios payment,banking --baseline reports/suite-smoke-<time>   each scenario
//     against its own runs in that suite's directory (or a dir of suites, or a saved name): a regression
//     beyond their noise fails that scenario (exit 99 in its row) and the suite is NOT READY
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS, redact, secretsOf } from '../lib/config.ts';
import { PROFILE_NAMES } from '../lib/profiles.ts';
import { writeReportFile } from './report-files.ts';
import { writeSuitePage } from './report-page.ts';
import { availableScenarios, runScenario, timestamp, type RunResult } from './run-scenario.ts';
import { targetsOrSandbox } from './sandbox-process.ts';
import { baselineFor, expectedLoad, type LoadedBaseline } from './baseline.ts';
import { ensureK6 } from './k6.ts';

export interface SuiteArgs {
  scenarios: string[];
  profile: string;
  failFast: boolean;
  out: string | null;
  /** --baseline: compare each scenario with its kept runs (docs/baseline.md). */
  baseline: string | null;
}

const USAGE = 'usage: npm run suite -- --scenarios payment,banking,failures [--profile smoke] [--fail-fast] [--out DIR] [--baseline <suite dir | dir of runs | saved name>]';

/** Parses and validates the arguments; throws an Error whose message is meant for the user. */
export function parseSuiteArgs(argv: string[], known: string[] = availableScenarios()): SuiteArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scenarios: { type: 'string' },
        profile: { type: 'string', default: process.env.PROFILE || DEFAULTS.PROFILE },
        'fail-fast': { type: 'boolean', default: false },
        out: { type: 'string' },
        baseline: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  const args: SuiteArgs = {
    scenarios: (values.scenarios ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    profile: values.profile,
    failFast: values['fail-fast'],
    out: values.out ?? null,
    baseline: values.baseline ?? null,
  };
  if (args.scenarios.length === 0) throw new Error(`--scenarios is required (available: ${known.join(', ')})\n${USAGE}`);
  const unknown = args.scenarios.filter((s) => !known.includes(s));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')} (available: ${known.join(', ')})`);
  if (!(PROFILE_NAMES as string[]).includes(args.profile)) {
    throw new Error(`unknown profile '${args.profile}' (one of ${PROFILE_NAMES.join(', ')})`);
  }
  return args;
}

export interface ScenarioOutcome {
  scenario: string;
  verdict: 'pass' | 'fail' | 'error' | 'skipped';
  exitCode: number | null;
  meaning: string;
  reportDir: string | null;
  failedThresholds: string[];
  /** "POST /api/v1/payments p50 ms": regressions against the baseline (--baseline), when compared. */
  regressions?: string[];
  requests: number | null;
  requestsPerSecond: number | null;
  p95Ms: number | null;
  errorRate: number | null;
}

export interface SuiteReport {
  schema: 'paykit.suite/v1';
  decision: 'READY' | 'NOT READY';
  reasons: string[];
  profile: string;
  startedAt: string;
  finishedAt: string;
  scenarios: ScenarioOutcome[];
}

export function outcomeOf(r: RunResult): ScenarioOutcome {
  const s = (r.summary ?? {}) as {
    failedThresholds?: string[];
    requests?: { count?: number; ratePerSecond?: number; failedRate?: number | null };
    latencyMs?: { p95?: number | null };
  };
  return {
    scenario: r.scenario,
    verdict: r.verdict,
    exitCode: r.exitCode,
    meaning: r.meaning,
    reportDir: r.reportDir,
    failedThresholds: s.failedThresholds ?? [],
    ...(r.comparison ? { regressions: r.comparison.regressions } : {}),
    requests: s.requests?.count ?? null,
    requestsPerSecond: s.requests?.ratePerSecond ?? null,
    p95Ms: s.latencyMs?.p95 ?? null,
    errorRate: s.requests?.failedRate ?? null,
  };
}

/** READY only when every scenario ran and passed; each other outcome is a reason. */
export function decide(outcomes: ScenarioOutcome[]): { decision: SuiteReport['decision']; reasons: string[] } {
  const reasons: string[] = [];
  for (const o of outcomes) {
    if (o.verdict === 'fail' && o.failedThresholds.length === 0 && o.regressions?.length) reasons.push(`${o.scenario}: regression against the baseline: ${o.regressions.join('; ')}`);
    else if (o.verdict === 'fail') reasons.push(`${o.scenario}: thresholds breached: ${o.failedThresholds.join('; ') || '(see its report)'}`);
    else if (o.verdict === 'error') reasons.push(`${o.scenario}: ${o.meaning}`);
    else if (o.verdict === 'skipped') reasons.push(`${o.scenario}: not run (--fail-fast after an earlier failure)`);
  }
  return { decision: reasons.length === 0 ? 'READY' : 'NOT READY', reasons };
}

const n = (v: number | null, digits = 1) => (v === null ? '-' : v.toFixed(digits));

export function renderTable(report: SuiteReport): string {
  const rows = [
    ['scenario', 'verdict', 'exit', 'requests', 'req/s', 'p95 ms', 'errors', 'failed thresholds'],
    ...report.scenarios.map((o) => [
      o.scenario,
      o.verdict.toUpperCase(),
      o.exitCode === null ? '-' : String(o.exitCode),
      o.requests === null ? '-' : String(o.requests),
      n(o.requestsPerSecond),
      n(o.p95Ms, 2),
      o.errorRate === null ? '-' : `${(o.errorRate * 100).toFixed(2)}%`,
      o.failedThresholds.length > 0 ? o.failedThresholds.join('; ') : o.regressions?.length ? `regression: ${o.regressions.join('; ')}` : o.verdict === 'error' ? o.meaning : '',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  out.push('', `decision: ${report.decision} (profile ${report.profile})`);
  for (const r of report.reasons) out.push(`  - ${r}`);
  return out.join('\n');
}

async function main(): Promise<number> {
  let args: SuiteArgs;
  try {
    args = parseSuiteArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  // Each scenario's baseline runs, refused before any load when one is missing or of another kind.
  const baselines = new Map<string, LoadedBaseline | null>();
  try {
    const k6Version = (await ensureK6()).version;
    for (const scenario of args.scenarios) {
      baselines.set(scenario, baselineFor(args.baseline ?? undefined, { scenario, profile: args.profile, load: expectedLoad(args.profile), k6Version }));
    }
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const startedAt = new Date();
  const out = args.out ?? join('reports', `suite-${args.profile}-${timestamp(startedAt)}`);
  mkdirSync(out, { recursive: true });

  const build = spawnSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) return build.status ?? 1;

  const { env, sandbox } = await targetsOrSandbox();
  const outcomes: ScenarioOutcome[] = [];
  try {
    for (const scenario of args.scenarios) {
      if (args.failFast && outcomes.some((o) => o.verdict !== 'pass')) {
        outcomes.push({
          scenario, verdict: 'skipped', exitCode: null, meaning: 'skipped', reportDir: null,
          failedThresholds: [], requests: null, requestsPerSecond: null, p95Ms: null, errorRate: null,
        });
        continue;
      }
      process.stdout.write(`running ${scenario} (${args.profile}) ... `);
      const result = await runScenario({ scenario, profile: args.profile, env, reportsRoot: out, quiet: true, baseline: baselines.get(scenario) ?? null });
      const o = outcomeOf(result);
      outcomes.push(o);
      // A regression fails a run k6 passed: exit 99 is then the gate's, not k6's.
      console.log(o.regressions?.length ? `${o.verdict.toUpperCase()} (exit ${o.exitCode}, regression against the baseline: ${o.regressions.join('; ')})` : `${o.verdict.toUpperCase()} (k6 exit ${o.exitCode})`);
    }
  } finally {
    await sandbox?.stop();
  }
  const report: SuiteReport = {
    schema: 'paykit.suite/v1',
    ...decide(outcomes),
    profile: args.profile,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    scenarios: outcomes,
  };
  const secrets = secretsOf(env);
  writeReportFile(join(out, 'suite.json'), JSON.stringify(report, null, 2) + '\n', secrets);
  const links = outcomes.map((o) => ({ scenario: o.scenario, href: o.reportDir ? relative(out, join(o.reportDir, 'report.html')) : null }));
  const page = writeSuitePage(out, report, links, secrets);
  console.log('\n' + redact(renderTable(report), secrets));
  console.log(`\nsuite report: ${join(out, 'suite.json')}, ${page}`);
  return report.decision === 'READY' ? 0 : 1;
}

if (process.argv[1] && existsSync(process.argv[1]) && process.argv[1].endsWith('suite.ts')) {
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
