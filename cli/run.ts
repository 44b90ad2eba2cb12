// The main job (`npm start`): build, make sure k6 is there, start the sandbox unless you point at
// your own service, run one scenario, write its reports under reports/, stop the sandbox, and exit
// with k6's exit code (0 pass, 99 threshold breached, anything else an error).
//   npm start                          payment scenario, smoke profile, against the sandbox
//   npm start -- banking               another scenario
//   PROFILE=load npm start             another profile
//   PAYMENT_SERVICE_URL=https://... AUTH_TOKEN=... npm start
//   npm start -- --baseline reports/baselines/main.json   fail (99) on a regression beyond the baseline's noise
//   PROFILE=soak npm start             flat memory: k6 keeps no samples, the verdict comes from Prometheus
//                                      (also any run longer than 15 minutes; FLAT_MEMORY=on|off|auto)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { baselineFor, expectedLoad, runFacts, takeBaselineArg, withBaseline, type LoadedBaseline } from './baseline.ts';
import { writeReports } from './report-page.ts';
import { renderComparisonText } from '../lib/report/comparison.ts';
import { DEFAULTS, secretsOf } from '../lib/config.ts';
import { memoryNote, planMode, type ModePlan } from '../lib/flat-memory.ts';
import { exitCodeOf } from '../lib/verdict/report-data.ts';
import { runDistributed } from './distributed/coordinator.ts';
import { INSTALL_HINT, prometheusBinary } from './distributed/prometheus.ts';
import { ensureK6 } from './k6.ts';
import { checkRunNames, listReports, runScenario, timestamp } from './run-scenario.ts';
import { targetsOrSandbox } from './sandbox-process.ts';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  // --baseline is ours, wherever it stands; every other argument after the scenario goes to k6.
  let baselinePath: string | undefined;
  try {
    baselinePath = takeBaselineArg(argv);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const [scenario = 'payment', ...k6Args] = argv;
  if (scenario === '--help' || scenario === '-h') {
    console.log('usage: npm start [-- <scenario> [--baseline <run dir | summary.json | dir of runs | saved name>] [extra k6 run flags]]   (env: PROFILE, PAYMENT_SERVICE_URL, BANKING_API_URL, AUTH_TOKEN, ...)');
    return 0;
  }
  const profile = process.env.PROFILE || DEFAULTS.PROFILE;
  let plan: ModePlan;
  let flat: boolean;
  try {
    checkRunNames(scenario, profile);
    plan = planMode({ ...process.env, PROFILE: profile });
    flat = chooseFlat(plan);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }

  // A baseline of another scenario, profile, load or k6 version is refused before any load.
  const k6Version = (await ensureK6()).version;
  let baseline: LoadedBaseline | null;
  try {
    baseline = baselineFor(baselinePath, { scenario, profile, load: expectedLoad(profile), k6Version });
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }

  const build = spawnSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) return build.status ?? 1;

  // Your own API's scenario needs no sandbox: the bundle says which services it targets.
  const { env, sandbox } = await targetsOrSandbox({ k6Path: (await ensureK6()).path, path: join('dist', `${scenario}.js`) });
  try {
    if (flat) return await runFlat(scenario, profile, env, k6Args, plan, baseline);
    const result = await runScenario({ scenario, profile, env, k6Args, baseline });
    if (result.comparison) process.stdout.write(renderComparisonText(result.comparison, result.comparison.source));
    // k6 itself exited 0 when only the baseline failed the run.
    const whose = result.comparison?.regressions.length ? 'exit code' : 'k6 exit code';
    console.log(`\n${scenario}/${profile}: ${whose} ${result.exitCode}, ${result.meaning}`);
    console.log('reports:');
    for (const f of listReports(result.reportDir)) console.log(`  ${f}`);
    return result.exitCode;
  } finally {
    await sandbox?.stop();
  }
}

/**
 * Flat memory when the plan wants it and a Prometheus is there or can be started; otherwise the run
 * says, before load, how much memory k6 will hold. FLAT_MEMORY=on without a Prometheus stops here.
 */
function chooseFlat(plan: ModePlan): boolean {
  const prometheus = Boolean(process.env.PROMETHEUS_URL?.trim()) || prometheusBinary(process.env) !== null;
  if (plan.flat && prometheus) return true;
  if (plan.required) throw new Error(`FLAT_MEMORY=on needs a Prometheus and there is none: ${INSTALL_HINT}`);
  const why = plan.flat ? `flat memory is the default here (${plan.reason}) but no Prometheus is available (${INSTALL_HINT}): ` : '';
  console.log(`memory: ${why}${memoryNote(plan)}`);
  return false;
}

/** One k6 runner in flat memory plus the coordinator: the same reports and exit codes as a single run. */
async function runFlat(scenario: string, profile: string, env: NodeJS.ProcessEnv, k6Args: string[], plan: ModePlan, baseline: LoadedBaseline | null): Promise<number> {
  console.log(`memory: flat (${plan.reason}): k6 keeps no samples; the verdict comes from Prometheus (docs/flat-memory.md)`);
  const result = await runDistributed({
    scenario,
    profile,
    runners: 1,
    env,
    k6Args: () => k6Args,
    reportName: `${scenario}-${profile}-${timestamp()}`,
    log: (l) => console.log(l),
  });
  const k6Version = (await ensureK6()).version;
  const facts = runFacts(result.k6Cpu, result.report.requests.count);
  const report = withBaseline(result.report, baseline, k6Version, facts);
  process.stdout.write(writeReports(result.reportDir, report, secretsOf(env), result.series, k6Version, facts));
  const code = exitCodeOf(report.verdict);
  console.log(`\n${scenario}/${profile}: exit code ${code}, ${report.verdict}`);
  console.log('reports:');
  for (const f of listReports(result.reportDir)) console.log(`  ${f}`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
