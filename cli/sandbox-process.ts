// Starts the sandbox as a child process on free ports and waits for its ready line.
// Used by `npm start`, `npm run suite` and the integration tests, so they all exercise the real entry point.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTargets, type TargetRef } from '../lib/services/define.ts';
import { parseS3Config, S3_VARIABLES, EMBEDDED_STORE } from '../lib/s3-config.ts';
import { k6Inspect } from './k6.ts';
import { locateStore, startStore, storeDataDir, type RunningStore } from './object-store.ts';
import { freePort, stopChild } from './processes.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface SandboxProcess {
  paymentUrl: string;
  bankingUrl: string;
  child: ChildProcess;
  /** Everything the sandbox printed, for diagnostics. */
  output: () => string;
  stop: () => Promise<number | null>;
  /** The object store the sandbox writes generation runs to: its endpoint, and whether we started it. */
  objectStore: { endpoint: string; embedded: RunningStore | null };
  /** The S3 variables to hand to k6 and to tools, so they read the same store. */
  s3Env: NodeJS.ProcessEnv;
}

/**
 * The embedded object store, when AWS_ENDPOINT_URL_S3 (or MINIO_ENDPOINT) is unset: started on
 * 127.0.0.1:OBJECT_STORE_PORT (default 9000; 0 = a free port) over OBJECT_STORE_DIR. Bad S3 settings
 * throw here, naming the variable, before anything starts. Without a versitygw binary (and with
 * OBJECT_STORE=off) no store is started: the sandbox still serves everything but sinks, which it
 * answers 503.
 */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}

export async function objectStoreFor(env: NodeJS.ProcessEnv): Promise<{ endpoint: string; embedded: RunningStore | null; s3Env: NodeJS.ProcessEnv }> {
  const c = parseS3Config(env);
  const s3Env: NodeJS.ProcessEnv = {};
  for (const names of Object.values(S3_VARIABLES)) for (const n of names) if (env[n] !== undefined) s3Env[n] = env[n];
  if (!c.embedded) return { endpoint: c.endpoint, embedded: null, s3Env };
  const portText = env.OBJECT_STORE_PORT?.trim() || String(EMBEDDED_STORE.port);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new Error(`OBJECT_STORE_PORT must be an integer 0..65535, got '${env.OBJECT_STORE_PORT}'`);
  const bin = env.OBJECT_STORE === 'off' ? null : locateStore();
  if (!bin) {
    if (env.OBJECT_STORE !== 'off') console.error(`object store: no versitygw found (npx tsx cli/object-store.ts ensure builds it); generation sinks will answer 503`);
    return { endpoint: c.endpoint, embedded: null, s3Env };
  }
  const port = Number(portText) === 0 ? await freePort(EMBEDDED_STORE.host) : Number(portText);
  if (Number(portText) !== 0 && (await answers(`http://${EMBEDDED_STORE.host}:${port}/`))) {
    // Another sandbox's store (npm run sandbox in another terminal): the same store, so use it.
    console.error(`object store: something already answers on ${EMBEDDED_STORE.host}:${port}; using it (set OBJECT_STORE_PORT=0 for a store of this run's own)`);
    s3Env.AWS_ENDPOINT_URL_S3 = `http://${EMBEDDED_STORE.host}:${port}`;
    return { endpoint: s3Env.AWS_ENDPOINT_URL_S3, embedded: null, s3Env };
  }
  const store = await startStore({ bin: bin.path, port, dataDir: storeDataDir(env), bucket: c.bucket });
  s3Env.AWS_ENDPOINT_URL_S3 = store.endpoint;
  return { endpoint: store.endpoint, embedded: store, s3Env };
}

const READY = /sandbox ready: payment=(\S+) banking=(\S+)/;

/**
 * `objectStore: true` also starts the embedded object store (or checks the configured one's settings):
 * what `npm start`, `npm run sandbox` and the storage tests want; other callers leave it off. `root` is the
 * checkout whose sandbox runs, with its own node_modules (tsx is resolved from there): bench/sqlite runs an
 * older revision's sandbox beside this one's.
 */
export async function startSandboxProcess(
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 30_000,
  opts: { objectStore?: boolean; root?: string } = {},
): Promise<SandboxProcess> {
  const store = opts.objectStore ? await objectStoreFor({ ...process.env, ...env }) : { endpoint: parseS3Config({ ...process.env, ...env }).endpoint, embedded: null, s3Env: {} };
  try {
    return await startSandboxChild({ ...env, ...store.s3Env }, timeoutMs, store, opts.root ?? repoRoot);
  } catch (err) {
    await store.embedded?.stop();
    throw err;
  }
}

function startSandboxChild(env: NodeJS.ProcessEnv, timeoutMs: number, store: Awaited<ReturnType<typeof objectStoreFor>>, root: string): Promise<SandboxProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'sandbox/main.ts')], {
    cwd: root,
    env: { ...process.env, PAYMENT_PORT: '0', BANKING_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const stop = async () => {
    const code = await stopChild(child, exited);
    await store.embedded?.stop();
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
        resolve({
          paymentUrl: m[1] as string,
          bankingUrl: m[2] as string,
          child,
          output: () => output,
          stop,
          objectStore: { endpoint: store.endpoint, embedded: store.embedded },
          s3Env: store.s3Env,
        });
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
  const sandbox = await startSandboxProcess({}, 30_000, { objectStore: true });
  env.PAYMENT_SERVICE_URL = sandbox.paymentUrl;
  env.BANKING_API_URL = sandbox.bankingUrl;
  Object.assign(env, sandbox.s3Env);
  // The sandbox was started with SANDBOX_TOKEN: the scripts must send that token, not the default one.
  const sandboxToken = env.SANDBOX_TOKEN?.split(',')[0]?.trim();
  if (!env.AUTH_TOKEN?.trim() && sandboxToken) env.AUTH_TOKEN = sandboxToken;
  console.log(`sandbox: payment ${sandbox.paymentUrl}, banking ${sandbox.bankingUrl}, object store ${sandbox.objectStore.endpoint}${sandbox.objectStore.embedded ? ' (embedded)' : ''}`);
  return { env, sandbox };
}
