// Generated data lands in a real S3-compatible store (the embedded versitygw) and the test proves every
// byte: the data-generation scenario passes against a healthy store, and each storage switch turns it
// red (exit 99) naming the failed check; `npm run data -- --verify` passes on a good run and fails,
// naming the object, on a corrupted or incomplete one; a cut-off generation leaves no manifest.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startSandboxProcess, type SandboxProcess } from '../../cli/sandbox-process.ts';
import { getObject, listAll } from '../../cli/data/verify.ts';
import { locateStore } from '../../cli/object-store.ts';
import { RUN_CHECKS, readManifest } from '../../lib/data/stored-run.ts';
import { parseS3Config } from '../../lib/s3-config.ts';
import { s3Client } from '../../lib/s3-client.ts';
import { runK6, type K6Run } from '../helpers/k6.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'paykit-object-store-'));
/** Every sandbox here gets its own embedded store on a free port, over one temporary directory. */
const STORE_ENV = { OBJECT_STORE_PORT: '0', OBJECT_STORE_DIR: dataDir, AWS_ENDPOINT_URL_S3: '', MINIO_ENDPOINT: '' };

let healthy: SandboxProcess;
let s3: S3Client;
before(async () => {
  assert.ok(locateStore(), 'no versitygw: run `npx tsx cli/object-store.ts ensure` first (CI does)');
  healthy = await startSandboxProcess(STORE_ENV, 30_000, { objectStore: true });
  s3 = s3Client(parseS3Config(healthy.s3Env));
});
after(async () => {
  s3?.destroy();
  await healthy?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function withSandbox<T>(env: NodeJS.ProcessEnv, fn: (s: SandboxProcess) => Promise<T>): Promise<T> {
  const s = await startSandboxProcess({ ...STORE_ENV, ...env }, 30_000, { objectStore: true });
  try {
    return await fn(s);
  } finally {
    await s.stop();
  }
}

const k6Env = (s: SandboxProcess, extra: Record<string, string> = {}) =>
  ({ PAYMENT_SERVICE_URL: s.paymentUrl, BANKING_API_URL: s.bankingUrl, ...(s.s3Env as Record<string, string>), GEN_RECORDS: '6000', GEN_PART_RECORDS: '1500', ...extra });

function diag(run: K6Run): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-3000)}`;
}

/** The test run's prefix, from the teardown's log line. */
function testPrefix(run: K6Run): string {
  const m = /teardown read \d+ objects of \d+ run\(s\) under (\S+)\/ in (\d+) listing page/.exec(run.stderr + run.stdout);
  assert.ok(m, `no teardown line:\n${diag(run)}`);
  return m[1] as string;
}

function verify(url: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/data.ts', '--verify', url], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, out })));
}

async function runsUnder(prefix: string): Promise<string[]> {
  const objects = await listAll(s3, 'analytics', `${prefix}/`);
  return [...new Set(objects.map((o) => o.key.slice(prefix.length + 1).split('/')[0] as string))].map((r) => `${prefix}/${r}`);
}

let goodRuns: string[] = [];

test('healthy store: every run stored, listed page by page, proven in teardown; time to manifest and MB/s judged', async () => {
  const run = await runK6('data-generation', k6Env(healthy, { GEN_REQUESTS: '2' }));
  assert.equal(run.code, 0, diag(run));
  const r = run.report!;
  assert.equal(r.counters.gen_runs_stored, 2);
  for (const m of ['gen_time_to_manifest_ms', 'gen_storage_mb_per_s', 'gen_runs_stored']) assert.ok(r.thresholds.some((t) => t.metric === m && t.ok), `${m} judged: ${JSON.stringify(r.thresholds)}`);
  const pages = Number(/in (\d+) listing page/.exec(run.stderr + run.stdout)?.[1]);
  assert.ok(pages > 1, `the listing followed continuation tokens (${pages} pages)`);
  goodRuns = await runsUnder(testPrefix(run));
  assert.equal(goodRuns.length, 2);
  for (const runDir of goodRuns) {
    const m = readManifest((await getObject(s3, 'analytics', `${runDir}/manifest.json`))?.toString() ?? null).manifest;
    assert.ok(m, `${runDir} has a manifest`);
    assert.equal(m.records, 6000);
    assert.equal(m.parts.length, 4);
  }
});

for (const [fault, failed] of [
  ['corrupt_part', RUN_CHECKS.checksums],
  ['missing_part', RUN_CHECKS.listing],
  ['failing_storage', RUN_CHECKS.floor],
] as const) {
  test(`${fault}: the run is red (exit 99) and names "${failed}"`, async () => {
    await withSandbox({ SANDBOX_FAULTS: fault }, async (s) => {
      const run = await runK6('data-generation', k6Env(s, { GEN_REQUESTS: '1' }));
      assert.equal(run.code, 99, diag(run));
      assert.ok(run.report!.failedThresholds.some((t) => t.startsWith('checks: ')), diag(run));
      assert.ok(run.stdout.includes(failed), `stdout names ${failed}:\n${diag(run)}`);
    });
  });
}

test('slow_storage: storage MB/s breaches its budget (exit 99)', async () => {
  await withSandbox({ SANDBOX_FAULTS: 'slow_storage' }, async (s) => {
    const run = await runK6('data-generation', k6Env(s, { GEN_REQUESTS: '1' }));
    assert.equal(run.code, 99, diag(run));
    assert.ok(run.report!.failedThresholds.some((t) => t.startsWith('gen_storage_mb_per_s: ')), JSON.stringify(run.report!.failedThresholds));
    assert.match(run.stdout, /failed thresholds: .*gen_storage_mb_per_s/);
  });
});

test('--verify: a good run passes every check (exit 0)', async () => {
  assert.ok(goodRuns.length > 0, 'the healthy run stored runs');
  const v = await verify(`s3://analytics/${goodRuns[0]}`, healthy.s3Env);
  assert.equal(v.code, 0, v.out);
  for (const name of Object.values(RUN_CHECKS)) assert.ok(v.out.includes(`ok  ${name}`), `${name} in:\n${v.out}`);
});

test('--verify: a corrupted object fails (exit 99) naming the check and the object', async () => {
  const runDir = goodRuns[1]!;
  const key = `${runDir}/part-00002.ndjson`;
  const body = (await getObject(s3, 'analytics', key))!;
  const bad = Buffer.from(body.toString().replace('"currency":"', '"currency":"X'));
  await s3.send(new PutObjectCommand({ Bucket: 'analytics', Key: key, Body: bad }));
  const v = await verify(`s3://analytics/${runDir}`, healthy.s3Env);
  assert.equal(v.code, 99, v.out);
  assert.ok(v.out.includes(`${RUN_CHECKS.checksums}: ${key}`), v.out);
  assert.ok(v.out.includes(`${RUN_CHECKS.schema}: ${key}: line 1: currency`), v.out);
});

test('--verify: a missing part fails (exit 99) naming the object', async () => {
  const runDir = goodRuns[0]!;
  const key = `${runDir}/part-00003.ndjson`;
  await s3.send(new DeleteObjectCommand({ Bucket: 'analytics', Key: key }));
  const v = await verify(`s3://analytics/${runDir}`, healthy.s3Env);
  assert.equal(v.code, 99, v.out);
  assert.ok(v.out.includes(`${RUN_CHECKS.listing}: ${key}: in the manifest but not in the bucket`), v.out);
});

async function startGeneration(s: SandboxProcess, prefix: string, signal: AbortSignal): Promise<{ runId: string; firstChunk: boolean }> {
  const res = await fetch(`${s.paymentUrl}/api/v1/data/generate`, {
    method: 'POST',
    headers: { Authorization: 'Bearer sandbox-token', 'Content-Type': 'application/json' },
    body: JSON.stringify({ records: 2_000_000, chunk_size: 500, sink: { prefix, part_records: 1000 } }),
    signal,
  });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  const first = await reader.read();
  return { runId: res.headers.get('x-run-id') as string, firstChunk: !first.done };
}

test('a cut-off generation leaves no manifest: client disconnect, then kill -9', async () => {
  // Client gone mid-stream.
  const abort = new AbortController();
  const gone = await startGeneration(healthy, 'cut/disconnect', abort.signal);
  assert.ok(gone.firstChunk);
  await delay(500);
  abort.abort();
  await delay(1000);
  const parts = await listAll(s3, 'analytics', `cut/disconnect/${gone.runId}/`);
  assert.ok(parts.length >= 1, 'some parts were stored before the cut');
  assert.ok(!parts.some((o) => o.key.endsWith('/manifest.json')), JSON.stringify(parts.map((o) => o.key)));

  // The sandbox killed outright while generating; its store outlives it here, so the listing is real.
  await withSandbox({}, async (s) => {
    const store = s3Client(parseS3Config(s.s3Env));
    try {
      const killed = await startGeneration(s, 'cut/kill', new AbortController().signal);
      await delay(500);
      s.child.kill('SIGKILL');
      await delay(500);
      const left = await listAll(store, 'analytics', `cut/kill/${killed.runId}/`);
      assert.ok(left.length >= 1, 'some parts were stored before the kill');
      assert.ok(!left.some((o) => o.key.endsWith('/manifest.json')), JSON.stringify(left.map((o) => o.key)));
      const v = await verify(`s3://analytics/cut/kill/${killed.runId}`, s.s3Env);
      assert.equal(v.code, 99, v.out);
      assert.ok(v.out.includes(`${RUN_CHECKS.manifest}: cut/kill/${killed.runId}/manifest.json: missing`), v.out);
    } finally {
      store.destroy();
    }
  });
});

test('npm run sandbox (cli/sandbox.ts) starts the store with the bucket, and SIGTERM stops both', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/sandbox.ts'], {
    env: { ...process.env, ...STORE_ENV, PAYMENT_PORT: '0', BANKING_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!/object store: (http:\/\/127\.0\.0\.1:\d+) \(embedded versitygw, bucket analytics\)/.test(out) && Date.now() < deadline) await delay(100);
  const endpoint = /object store: (http:\/\/127\.0\.0\.1:\d+) \(embedded/.exec(out)?.[1];
  assert.ok(endpoint, out);
  assert.match(out, /sandbox ready: payment=http:\/\/127\.0\.0\.1:\d+ banking=/);
  const store = s3Client(parseS3Config({ AWS_ENDPOINT_URL_S3: endpoint }));
  try {
    assert.deepEqual(await listAll(store, 'analytics', 'nothing-here/'), [], 'bucket analytics exists and answers a signed listing');
  } finally {
    store.destroy();
  }
  child.kill('SIGTERM');
  assert.equal(await exited, 0, out);
  await assert.rejects(fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1000) }), 'the store stopped with the sandbox');
});
