// One compose project on the host's network: the resolved configuration it runs from, the kit's knobs
// handed to its k6 runners and coordinator, what its containers did, and its teardown, which must leave
// no container, volume or network of the project behind.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { parse } from 'yaml';

export const FILES = ['docker-compose.yml', 'docker-compose.host.yml'] as const;
export const PROJECT_LABEL = 'com.docker.compose.project';

type Service = { network_mode?: string; ports?: unknown[] };

/**
 * The two files merged and resolved by `docker-compose config`, as JSON (compose reads it as YAML 1.1,
 * where JSON keeps `off` a string). Published ports are dropped from the host-network services: they
 * publish nothing there, docker-compose 1.29 refuses the combination, and an override file cannot
 * remove a list of the file it extends (v2's `!reset` could).
 */
export function resolvedConfig(env: NodeJS.ProcessEnv): string {
  const r = spawnSync('docker-compose', [...FILES.flatMap((f) => ['-f', f]), 'config'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker-compose config failed (exit ${r.status}):\n${r.stderr}`);
  const config = parse(r.stdout) as { services: Record<string, Service> };
  for (const s of Object.values(config.services)) if (s.network_mode === 'host') delete s.ports;
  return JSON.stringify(config, null, 1) + '\n';
}

/** Variables of this shell that are not the kit's knobs: the system's, the tools', and what the stack sets itself. */
const NOT_KNOBS = /^(PATH|HOME|PWD|OLDPWD|SHELL|SHLVL|TERM|USER|LOGNAME|HOSTNAME|LANG|LANGUAGE|TMPDIR|MAIL|EDITOR|DISPLAY|INIT_CWD|COLOR|_|(SSH|LC|XDG|NODE|NPM|DOCKER|COMPOSE|K6|GIT|REQUIRE)_.*|PAYMENT_SERVICE_URL|BANKING_API_URL|PROMETHEUS_URL|RUNNER.*|TEST_ID|SCENARIO|PROFILE|REPORT_DIR|SANDBOX_.*|(PAYMENT|BANKING|PROMETHEUS|SETUP)_PORT|PAYKIT_.*)$/;

/**
 * The env_file of the k6 runners and the coordinator: the knobs set in this shell (DURATION, VUS, RATE,
 * P95_MS, MIN_WAIT_TIME, …), so the runners and the coordinator's `k6 inspect` see what `npm run
 * distributed` would pass to its k6 processes. A service's own `environment` wins over it.
 */
export function knobsFile(env: NodeJS.ProcessEnv): string {
  return Object.entries(env)
    .filter(([k, v]) => /^[A-Z][A-Z0-9_]*$/.test(k) && !NOT_KNOBS.test(k) && v !== undefined && !/[\n\r]/.test(v))
    .map(([k, v]) => `${k}=${v}\n`)
    .join('');
}

function docker(args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync('docker', args, { encoding: 'utf8', timeout: 60_000 });
}

/** The ids of the project's containers, volumes and networks (compose labels all three). */
export function leftovers(project: string): { containers: string[]; volumes: string[]; networks: string[] } {
  const filter = ['--filter', `label=${PROJECT_LABEL}=${project}`];
  const ids = (args: string[]) => {
    const r = docker([...args, ...filter]);
    // An engine that does not answer has not shown that nothing is left.
    if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr ?? String(r.error)).trim()}`);
    return r.stdout.split('\n').filter(Boolean);
  };
  return { containers: ids(['ps', '-aq']), volumes: ids(['volume', 'ls', '-q']), networks: ids(['network', 'ls', '-q']) };
}

export interface ContainerState {
  name: string;
  service: string;
  status: string;
  exitCode: number;
  /** A load runner's label, from the line its command prints when it claims a slot. */
  runner: string | null;
}

export function containers(project: string): ContainerState[] {
  const ids = leftovers(project).containers;
  if (ids.length === 0) return [];
  const r = docker(['inspect', '--format', `{{.Name}}|{{index .Config.Labels "com.docker.compose.service"}}|{{.State.Status}}|{{.State.ExitCode}}`, ...ids]);
  return (r.stdout ?? '').split('\n').filter(Boolean).map((line, i) => {
    const [name, service, status, code] = line.split('|');
    const claimed = service === 'k6-runner' ? /claimed (r\d+) at/.exec(docker(['logs', ids[i]!]).stdout ?? '') : null;
    return { name: name!.replace(/^\//, ''), service: service!, status: status!, exitCode: Number(code), runner: claimed?.[1] ?? null };
  });
}

/** How a container ended, for a person: `exited 137 (SIGKILL: docker kill, or out of memory)`. */
export function ending(c: ContainerState): string {
  if (c.status === 'running') return 'running';
  const signal = c.exitCode > 128 ? ` (signal ${c.exitCode - 128}${c.exitCode === 137 ? ' SIGKILL: docker kill, or out of memory' : ''})` : '';
  return `${c.status} ${c.exitCode}${signal}`;
}

/** Runs a command to its end, its output line by line to `log`; resolves with its exit code. */
export function stream(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, log: (line: string) => void, track?: (kill: () => void) => void): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    track?.(() => child.kill('SIGTERM'));
    for (const s of [child.stdout!, child.stderr!]) {
      let partial = '';
      s.on('data', (b: Buffer) => {
        const lines = (partial + b.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) log(l);
      });
      s.on('end', () => partial && log(partial));
    }
    child.on('error', (e) => (log(`${cmd}: ${e.message}`), resolve(127)));
    child.on('close', (code) => resolve(code ?? 1));
  });
}
