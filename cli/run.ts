// The main job (`npm start`): build, make sure k6 is there, start the sandbox unless you point at
// your own service, run one scenario, write its reports under reports/, stop the sandbox, and exit
// with k6's exit code (0 pass, 99 threshold breached, anything else an error).
//   npm start                          payment scenario, smoke profile, against the sandbox
//   npm start -- banking               another scenario
//   PROFILE=load npm start             another profile
//   PAYMENT_SERVICE_URL=https://... AUTH_TOKEN=... npm start
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULTS } from '../lib/config.ts';
import { ensureK6 } from './k6.ts';
import { checkRunNames, listReports, runScenario } from './run-scenario.ts';
import { targetsOrSandbox } from './sandbox-process.ts';

async function main(): Promise<number> {
  const [scenario = 'payment', ...k6Args] = process.argv.slice(2);
  if (scenario === '--help' || scenario === '-h') {
    console.log('usage: npm start [-- <scenario> [extra k6 run flags]]   (env: PROFILE, PAYMENT_SERVICE_URL, BANKING_API_URL, AUTH_TOKEN, ...)');
    return 0;
  }
  const profile = process.env.PROFILE || DEFAULTS.PROFILE;
  try {
    checkRunNames(scenario, profile);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }

  const build = spawnSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) return build.status ?? 1;

  // Your own API's scenario needs no sandbox: the bundle says which services it targets.
  const { env, sandbox } = await targetsOrSandbox({ k6Path: (await ensureK6()).path, path: join('dist', `${scenario}.js`) });
  try {
    const result = await runScenario({ scenario, profile, env, k6Args });
    console.log(`\n${scenario}/${profile}: k6 exit code ${result.exitCode}, ${result.meaning}`);
    console.log('reports:');
    for (const f of listReports(result.reportDir)) console.log(`  ${f}`);
    return result.exitCode;
  } finally {
    await sandbox?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
