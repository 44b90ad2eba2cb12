// The Docker engine for `npm run compose`: the one that already answers (DOCKER_HOST, or the default
// socket), else Debian's dockerd started here with no default bridge and no firewall rules
// (`--bridge=none --iptables=false --ip6tables=false`): the stack runs on the host's network
// (docker-compose.host.yml), so the engine needs no network of its own and changes nothing on the host.
// An engine started here is stopped when the run ends; one that was running is left as it was.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onPath, stopChild } from '../processes.ts';

export interface Engine {
  /** One line for the log: which engine and whether it was started here. */
  description: string;
  stop: () => Promise<void>;
}

export const DOCKERD_ARGS = ['--bridge=none', '--iptables=false', '--ip6tables=false'] as const;

/** The server version of the engine the docker client reaches, or null when none answers. */
export function serverVersion(): string | null {
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 15_000 });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

function dockerd(): string | null {
  return onPath('dockerd') ?? (spawnSync('/usr/sbin/dockerd', ['--version'], { stdio: 'ignore' }).status === 0 ? '/usr/sbin/dockerd' : null);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function useEngine(timeoutMs = 60_000): Promise<Engine> {
  if (!onPath('docker')) throw new Error('no docker client on PATH (Debian: apt-get install docker.io)');
  const running = serverVersion();
  if (running) return { description: `using the running Docker engine ${running} at ${process.env.DOCKER_HOST || 'the default socket'}`, stop: async () => {} };
  if (process.env.DOCKER_HOST) throw new Error(`no Docker engine answers at DOCKER_HOST=${process.env.DOCKER_HOST}`);
  const bin = dockerd();
  if (!bin) throw new Error('no Docker engine answers and dockerd is not installed (Debian: apt-get install docker.io)');
  if (process.getuid?.() !== 0) throw new Error(`no Docker engine answers, and starting ${bin} needs root`);
  const logFile = join(tmpdir(), `paykit-dockerd-${process.pid}.log`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await startDockerd(bin, logFile, deadline);
    if ('engine' in r) return r.engine;
    // An engine still shutting down (the previous run's) holds its pid file for a few seconds.
    if (!/pid file found/.test(r.log) || Date.now() > deadline) throw new Error(`${bin} ${r.why}; its log:\n${r.log}`);
    await sleep(1000);
  }
}

async function startDockerd(bin: string, logFile: string, deadline: number): Promise<{ engine: Engine } | { why: string; log: string }> {
  const fd = openSync(logFile, 'w');
  // Its own process group: Ctrl-C reaches this command, which tears the stack down through the engine
  // and then stops it; an engine that got the SIGINT too would be gone before the teardown.
  const child = spawn(bin, [...DOCKERD_ARGS], { stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const stop = async () => {
    // dockerd stops the containerd it started; it takes a few seconds to shut down cleanly.
    if (!gone) await stopChild(child, exited, 20_000);
    rmSync(logFile, { force: true });
  };
  for (;;) {
    const version = serverVersion();
    if (version) return { engine: { description: `started Docker engine ${version} (${bin} ${DOCKERD_ARGS.join(' ')}; log ${logFile}); it is stopped at the end`, stop } };
    if (gone || Date.now() > deadline) {
      const log = readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
      await stop();
      return { why: gone ? 'exited' : 'did not answer in time', log };
    }
    await sleep(250);
  }
}
