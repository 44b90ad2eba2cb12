// Prism (@stoplight/prism-cli, a pinned devDependency) as a mock of a spec that validates every request
// against it: a request that breaks the spec is answered 422 and logged as `Violation: request...`.
// Started as one child process (Node 24, as the kit's tools), stopped by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';

export interface Prism {
  url: string;
  /** Everything Prism printed so far. */
  log(): string;
  /** The request violations it reported (one line each). */
  violations(): string[];
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `prism mock` on `spec` and resolves once it answers; rejects with its output if it does not within `timeoutMs`. */
export async function startPrism(spec: string, timeoutMs = 120_000): Promise<Prism> {
  const bin = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [bin, 'mock', '-h', '127.0.0.1', '-p', String(port), spec], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const prism: Prism = {
    url,
    log: () => out,
    violations: () => out.split('\n').filter((l) => /Violation: request/.test(l)),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prism exited (${child.exitCode}) before it answered:\n${out.slice(-2000)}`);
    try {
      await fetch(`${url}/__paykit_ready`); // any answer (404: no such path) means it is serving
      return prism;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await prism.stop();
  throw new Error(`prism did not answer within ${timeoutMs} ms:\n${out.slice(-2000)}`);
}
