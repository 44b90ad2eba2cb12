// The embedded object store: a real S3-compatible server (Versity S3 Gateway, `versitygw`, Apache-2.0)
// that the sandbox starts on 127.0.0.1:9000 when AWS_ENDPOINT_URL_S3 is unset. Provisioned like k6
// (cli/k6.ts): a pinned version, built once with Go from the module proxy into the per-user cache,
// located by this module.
//
//   tsx cli/object-store.ts ensure [--soft]   locate or build versitygw, print its path (--soft: never fail)
//   tsx cli/object-store.ts path              print the path of a located versitygw, fail if none
//
// Why versitygw (docs/object-storage.md): full SigV4 checking, streamed (aws-chunked) and multipart
// uploads, paged ListObjectsV2, objects as plain files on disk (posix backend). MinIO's server and
// Garage are AGPL; s3rver, gofakes3 and moto each miss one of those (issue survey).
// Search order: $VERSITYGW_BIN, then `versitygw` on PATH, then the cache.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../lib/s3-client.ts';
import { EMBEDDED_STORE } from '../lib/s3-config.ts';
import { buildGoBinary, hasGo } from './k6.ts';
import { onPath, stopChild } from './processes.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export const STORE_MODULE = 'github.com/versity/versitygw';
export const STORE_PACKAGE = `${STORE_MODULE}/cmd/versitygw`;

/** The pinned versitygw version, from package.json's "objectStore.version". */
export function pinnedStoreVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { objectStore?: { version?: string } };
  const v = pkg.objectStore?.version;
  if (!v || !/^v\d+\.\d+\.\d+$/.test(v)) throw new Error('package.json "objectStore.version" must look like v1.8.0');
  return v;
}

export function storeCacheDir(version = pinnedStoreVersion()): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'paykit-k6', `versitygw-${version}`);
}

/** Where the embedded store keeps its buckets between runs: OBJECT_STORE_DIR, else a per-user data folder. */
export function storeDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OBJECT_STORE_DIR?.trim()) return env.OBJECT_STORE_DIR.trim();
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'paykit-k6', 'object-store');
}

function runs(bin: string): boolean {
  // A build from the module proxy reports "Version : git"; a release binary its version. Either runs.
  return spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 15_000 }).status === 0;
}

export interface LocatedStore {
  path: string;
  source: 'VERSITYGW_BIN' | 'PATH' | 'cache';
}

/** Finds versitygw without building anything. Throws on a bad VERSITYGW_BIN. */
export function locateStore(version = pinnedStoreVersion()): LocatedStore | null {
  const explicit = process.env.VERSITYGW_BIN;
  if (explicit) {
    if (!runs(explicit)) throw new Error(`VERSITYGW_BIN=${explicit} does not run (try '${explicit} --version')`);
    return { path: explicit, source: 'VERSITYGW_BIN' };
  }
  const fromPath = onPath('versitygw');
  if (fromPath && runs(fromPath)) return { path: fromPath, source: 'PATH' };
  const cached = join(storeCacheDir(version), 'versitygw');
  if (existsSync(cached) && runs(cached)) return { path: cached, source: 'cache' };
  return null;
}

/** Locates versitygw, building it with Go if needed (about 5 minutes on 2 cores, once). */
export async function ensureStore(version = pinnedStoreVersion()): Promise<LocatedStore> {
  const found = locateStore(version);
  if (found) return found;
  if (!hasGo()) {
    throw new Error(
      [
        `versitygw ${version} was not found and Go is not installed to build it.`,
        `Install Go (https://go.dev/dl/) and rerun: we build ${STORE_PACKAGE}@${version} once into ${storeCacheDir(version)};`,
        'or put a versitygw release binary on PATH or point VERSITYGW_BIN at it;',
        'or use your own S3-compatible store: set AWS_ENDPOINT_URL_S3 (docs/object-storage.md).',
      ].join('\n'),
    );
  }
  const path = await buildGoBinary({
    label: 'versitygw',
    module: STORE_MODULE,
    pkg: STORE_PACKAGE,
    version,
    binary: 'versitygw',
    dir: storeCacheDir(version),
    expect: 'about 5 minutes on 2 cores',
  });
  if (!runs(path)) throw new Error(`built ${path} but it does not run`);
  return { path, source: 'cache' };
}

export interface RunningStore {
  endpoint: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts versitygw on loopback with the embedded store's credentials over `dataDir` (buckets are its
 * subfolders), waits until it answers, and makes sure `bucket` exists.
 */
export async function startStore(opts: { bin: string; port: number; dataDir: string; bucket: string; timeoutMs?: number }): Promise<RunningStore> {
  mkdirSync(opts.dataDir, { recursive: true });
  const host = EMBEDDED_STORE.host;
  const child = spawn(
    opts.bin,
    ['--access', EMBEDDED_STORE.accessKeyId, '--secret', EMBEDDED_STORE.secretAccessKey, '--region', EMBEDDED_STORE.region, '--port', `${host}:${opts.port}`, '--quiet', 'posix', opts.dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const stop = () => stopChild(child, exited);
  const endpoint = `http://${host}:${opts.port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`versitygw exited (code ${child.exitCode}) before it answered on ${endpoint}:\n${output}`);
    try {
      await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1000) });
      break; // any HTTP answer (403 without a signature) means it is up
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`versitygw did not answer on ${endpoint} within ${opts.timeoutMs ?? 15_000} ms:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const client = s3Client({ endpoint, embedded: true, accessKeyId: EMBEDDED_STORE.accessKeyId, secretAccessKey: EMBEDDED_STORE.secretAccessKey, sessionToken: undefined, region: EMBEDDED_STORE.region, bucket: opts.bucket });
  try {
    await client.send(new HeadBucketCommand({ Bucket: opts.bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: opts.bucket }));
  } finally {
    client.destroy();
  }
  return { endpoint, child, output: () => output, stop };
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'ensure') {
    try {
      const s = await ensureStore();
      console.log(`versitygw ${pinnedStoreVersion()} (${s.source}): ${s.path}`);
      return 0;
    } catch (err) {
      console.error(`the embedded object store is not ready: ${(err as Error).message}`);
      return rest.includes('--soft') ? 0 : 1;
    }
  }
  if (cmd === 'path') {
    const s = locateStore();
    if (!s) {
      console.error(`no versitygw found; run 'npx tsx cli/object-store.ts ensure' to build ${pinnedStoreVersion()}`);
      return 1;
    }
    console.log(s.path);
    return 0;
  }
  console.error('usage: tsx cli/object-store.ts ensure [--soft] | path');
  return 2;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
