// Starts the sandbox as a child process on free ports and waits for its ready line.
// Used by `npm start`, `npm run suite` and the integration tests, so they all exercise the real entry point.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTargets, type TargetRef } from '../lib/service.ts';
import { k6Inspect } from './k6.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface SandboxProcess {
  paymentUrl: string;
  bankingUrl: string;
  child: ChildProcess;
  /** Everything the sandbox printed, for diagnostics. */
  output: () => string;
  stop: () => Promise<number | null>;
}

const READY = /sandbox ready: payment=(\S+) banking=(\S+)/;

/**
 * `root` is the checkout whose sandbox runs, with its own node_modules (tsx is resolved from there):
 * bench/sqlite runs an older revision's sandbox beside this one's.
 */
export function startSandboxProcess(env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000, root = repoRoot): Promise<SandboxProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'sandbox/main.ts')], {
    cwd: root,
    env: { ...process.env, PAYMENT_PORT: '0', BANKING_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`sandbox did not print its ready line within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (buf: Buffer) => {
      output += buf.toString();
      const m = READY.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ paymentUrl: m[1] as string, bankingUrl: m[2] as string, child, output: () => output, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited (code ${code}) before it was ready:\n${output}`));
    });
  });
}

/**
 * The services a bundle targets, as it says itself in its init context (lib/k6/test.ts): null when it
 * did not say (a script not written with the kit), and `loads: false` when its init context failed
 * (e.g. a missing credential), which `k6 run` will report the same way.
 */
export function bundleTargets(k6Path: string, script: string, env: NodeJS.ProcessEnv): { targets: TargetRef[] | null; loads: boolean } {
  const r = k6Inspect(k6Path, script, { ...env, PAYKIT_DESCRIBE: '1' });
  return { targets: parseTargets(`${r.stderr}\n${r.stdout}`), loads: r.status === 0 };
}

/**
 * The targets for a run: the user's PAYMENT_SERVICE_URL / BANKING_API_URL when either is set; nothing
 * more when the script (a bundle) targets none of the sandbox's services (your own API); otherwise a
 * sandbox started for this run (the caller stops it). Returns the environment to hand to k6.
 */
export async function targetsOrSandbox(script?: { k6Path: string; path: string }): Promise<{ env: NodeJS.ProcessEnv; sandbox: SandboxProcess | null }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (process.env.PAYMENT_SERVICE_URL || process.env.BANKING_API_URL) {
    console.log(`target: payment ${process.env.PAYMENT_SERVICE_URL || '(default)'}, banking ${process.env.BANKING_API_URL || '(default)'}`);
    return { env, sandbox: null };
  }
  const described = script ? bundleTargets(script.k6Path, script.path, env) : null;
  const targets = described?.targets;
  if (targets && !targets.some((t) => t.sandbox)) {
    console.log(`target: ${targets.map((t) => `${t.name} ${env[t.urlVar] || `(${t.urlVar} unset)`}`).join(', ')}; no sandbox needed`);
    return { env, sandbox: null };
  }
  if (described && !targets && !described.loads) {
    // k6 stops this script before any request, naming the problem: a sandbox would serve nobody.
    console.log(`${script!.path} does not load (k6 names why below); no sandbox started`);
    return { env, sandbox: null };
  }
  const sandbox = await startSandboxProcess();
  env.PAYMENT_SERVICE_URL = sandbox.paymentUrl;
  env.BANKING_API_URL = sandbox.bankingUrl;
  // The sandbox was started with SANDBOX_TOKEN: the scripts must send that token, not the default one.
  const sandboxToken = env.SANDBOX_TOKEN?.split(',')[0]?.trim();
  if (!env.AUTH_TOKEN?.trim() && sandboxToken) env.AUTH_TOKEN = sandboxToken;
  console.log(`sandbox: payment ${sandbox.paymentUrl}, banking ${sandbox.bankingUrl}`);
  return { env, sandbox };
}
