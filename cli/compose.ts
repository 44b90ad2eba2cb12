// npm run compose -- <scenario> --runners N [--profile P] [--project NAME] [--rebuild]
//
// docker-compose.yml for real on this machine: a Docker engine (the running one, or Debian's dockerd
// started here), the images built from Debian packages and the kit's pinned k6 and Node (cli/compose/
// images.ts), the stack on the host's network (docker-compose.host.yml): the sandbox, Prometheus, the
// setup runner, N load runners and the coordinator, whose verdict is printed and is this command's exit
// code (0 pass, 99 a threshold breached over all runners, 1 an error). The project is torn down with
// `down -v --remove-orphans` at the end, on an error and on Ctrl-C, and checked to have left no
// container, volume or network. docs/distributed.md, "Docker Compose".
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../lib/config.ts';
import { checkRunNames, timestamp } from './run-scenario.ts';
import { ensureK6 } from './k6.ts';
import { freePort, onPath } from './processes.ts';
import { useEngine, type Engine } from './compose/engine.ts';
import { buildImages } from './compose/images.ts';
import { containers, ending, knobsFile, leftovers, resolvedConfig, stream } from './compose/stack.ts';

export interface ComposeArgs {
  scenario: string;
  runners: number;
  profile: string;
  project: string;
  rebuild: boolean;
}

const USAGE = 'usage: npm run compose -- <scenario> --runners N [--profile P] [--project NAME] [--rebuild]';

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ComposeArgs {
  let scenario = '';
  let runners = NaN;
  let profile: string = env.PROFILE || DEFAULTS.PROFILE;
  let project = `paykit-${randomBytes(4).toString('hex')}`;
  let rebuild = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runners') runners = Number(argv[++i]);
    else if (a === '--profile') profile = argv[++i] ?? '';
    else if (a === '--project') project = argv[++i] ?? '';
    else if (a === '--rebuild') rebuild = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (${USAGE})`);
    else scenario = a;
  }
  if (!scenario) throw new Error(USAGE);
  if (!Number.isInteger(runners) || runners < 1 || runners > 64) throw new Error(`--runners must be a whole number from 1 to 64, got '${runners}' (${USAGE})`);
  // Compose's own rule for project names; the project's containers, volumes and networks carry it.
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(project)) throw new Error(`--project '${project}' must be lowercase letters, digits, '_' and '-'`);
  return { scenario, runners, profile, project, rebuild };
}

/** What the teardown did: compose's `down` and the check that nothing of the project is left. */
function teardown(project: string, composeArgs: readonly string[], env: NodeJS.ProcessEnv, log: (l: string) => void): boolean {
  const down = spawnSync('docker-compose', [...composeArgs, 'down', '-v', '--remove-orphans', '-t', '5'], { env, encoding: 'utf8' });
  if (down.status !== 0) log(`teardown: docker-compose down exited ${down.status}: ${down.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const left = leftovers(project);
  // Whatever compose could not remove (a down interrupted half way, a file it could not read) goes by its label.
  if (left.containers.length) spawnSync('docker', ['rm', '-f', '-v', ...left.containers], { stdio: 'ignore' });
  if (left.volumes.length) spawnSync('docker', ['volume', 'rm', '-f', ...left.volumes], { stdio: 'ignore' });
  if (left.networks.length) spawnSync('docker', ['network', 'rm', ...left.networks], { stdio: 'ignore' });
  const still = leftovers(project);
  const n = still.containers.length + still.volumes.length + still.networks.length;
  log(n === 0 ? `teardown: project ${project} removed; no container, volume or network of it is left` : `teardown: project ${project} left ${still.containers.length} containers, ${still.volumes.length} volumes, ${still.networks.length} networks`);
  return n === 0;
}

export async function runCompose(args: ComposeArgs, log: (l: string) => void = (l) => console.log(l)): Promise<number> {
  const started = performance.now();
  checkRunNames(args.scenario, args.profile);
  const pinnedNode = (JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['node'];
  // The sandbox and coordinator images get this very binary: it must be the kit's pinned Node.
  if (process.version !== `v${pinnedNode}`) throw new Error(`this is Node ${process.version}, the kit pins ${pinnedNode}: run it as npm run compose (npm puts node_modules/.bin first on PATH)`);
  if (!onPath('docker-compose')) throw new Error('docker-compose is not installed (Debian: apt-get install docker-compose)');
  // As `npm start` does: the runners mount dist/, so it must hold this checkout's bundles.
  const build = spawnSync(process.execPath, ['build.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0 || !existsSync(join('dist', `${args.scenario}.js`))) throw new Error(`npm run build failed (exit ${build.status})`);
  const tmp = mkdtempSync(join(tmpdir(), 'paykit-compose-'));
  const composeArgs = ['-p', args.project, '-f', join(tmp, 'compose.json'), '--project-directory', '.'];
  let engine: Engine | null = null;
  let env: NodeJS.ProcessEnv = process.env;
  let stackUp = false;
  const kills = new Set<() => void>();
  let interrupted: string | null = null;
  let cleaned: Promise<boolean> | null = null;
  const cleanup = () =>
    (cleaned ??= (async () => {
      for (const k of kills) k();
      let clean = true;
      try {
        if (stackUp) clean = teardown(args.project, composeArgs, env, log);
      } catch (e) {
        log(`teardown: ${(e as Error).message}`);
        clean = false;
      }
      await engine?.stop();
      rmSync(tmp, { recursive: true, force: true });
      return clean;
    })());
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted = sig;
    log(`compose: ${sig}: tearing the stack down`);
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    engine = await useEngine();
    log(`compose: ${engine.description}`);
    const k6 = await ensureK6();
    const images = await buildImages({ k6: k6.path, node: process.execPath, rebuild: args.rebuild, log });
    log(`compose: images ready in ${images.seconds.toFixed(1)} s: ${images.steps.join('; ')}`);
    if (interrupted) return 130;
    const [payment, banking, prometheus, setup, ...runnerPorts] = await Promise.all(Array.from({ length: 4 + args.runners }, () => freePort()));
    const testId = `${args.scenario}-compose-${timestamp().slice(0, 19)}-${randomBytes(3).toString('hex')}`;
    const knobs = join(tmp, 'knobs.env');
    writeFileSync(knobs, knobsFile(process.env), { mode: 0o600 });
    env = {
      ...process.env,
      SCENARIO: args.scenario,
      PROFILE: args.profile,
      TEST_ID: testId,
      RUNNERS: String(args.runners),
      PAYMENT_PORT: String(payment),
      BANKING_PORT: String(banking),
      PROMETHEUS_PORT: String(prometheus),
      SETUP_PORT: String(setup),
      RUNNER_PORTS: runnerPorts.join(','),
      PAYKIT_KNOBS: knobs,
    };
    writeFileSync(join(tmp, 'compose.json'), resolvedConfig(env), { mode: 0o600 });
    log(`compose: project ${args.project}, test id ${testId}, ${args.runners} runners on 127.0.0.1:${runnerPorts.join(',')}, setup runner :${setup}, prometheus :${prometheus}, sandbox :${payment}/:${banking}`);
    stackUp = true;
    const up = await stream('docker-compose', [...composeArgs, 'up', '-d', '--no-build', 'coordinator'], env, (l) => log(`  ${l}`), (k) => kills.add(k));
    if (interrupted) return 130;
    if (up !== 0) throw new Error(`docker-compose up exited ${up}`);
    const id = spawnSync('docker-compose', [...composeArgs, 'ps', '-q', 'coordinator'], { env, encoding: 'utf8' }).stdout.trim();
    if (!id) throw new Error('docker-compose up left no coordinator container');
    let reportDir: string | null = null;
    await stream('docker', ['logs', '-f', id], env, (l) => {
      reportDir ??= /reports: (\S+)\/\{/.exec(l)?.[1] ?? null;
      log(l);
    }, (k) => kills.add(k));
    if (interrupted) return 130;
    const waited = spawnSync('docker', ['wait', id], { encoding: 'utf8' });
    const code = Number(waited.stdout.trim());
    // Which container ran which runner, and how each ended: a runner the verdict names is found here.
    const states = containers(args.project).filter((c) => c.service === 'k6-runner' || c.service === 'k6-setup');
    for (const c of states.sort((a, b) => (a.runner ?? a.service).localeCompare(b.runner ?? b.service))) {
      log(`  container ${c.name}: ${c.runner ?? c.service}, ${ending(c)}`);
    }
    const dead = states.filter((c) => c.status !== 'running');
    if (code !== 0 && dead.length > 0) log(`  ERROR: runner container${dead.length > 1 ? 's' : ''} ${dead.map((c) => `${c.name} (${c.runner ?? c.service}, ${ending(c)})`).join(', ')} ended before the coordinator`);
    log(`compose: coordinator exited ${code}${reportDir ? `; reports in ${reportDir}` : ''}; ${((performance.now() - started) / 1000).toFixed(1)} s since start`);
    return [0, 1, 99].includes(code) ? code : 1;
  } finally {
    const clean = await cleanup();
    if (!clean) process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  (async () => runCompose(parseArgs(process.argv.slice(2))))().then(
    (code) => process.exit(process.exitCode === 1 && code === 0 ? 1 : code),
    (e: Error) => {
      console.error(`compose: ${e.message}`);
      process.exit(1);
    },
  );
}
