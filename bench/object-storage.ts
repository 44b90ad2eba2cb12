// What storing a generation costs: the same 200,000-record generation (seed fixed) streamed alone, and
// streamed while stored in the embedded store as NDJSON and as CSV, alternating in each round;
// medians of the time to the end of the stream (the manifest is written just before it ends) and of
// stored MB/s (10^6 B of parts over that time). One sandbox, one store on a free port, a temporary dir.
//   npm exec -- node --import tsx bench/object-storage.ts [records=200000] [rounds=5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxProcess } from '../cli/sandbox-process.ts';

const records = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'paykit-bench-store-'));
const sandbox = await startSandboxProcess({ OBJECT_STORE_PORT: '0', OBJECT_STORE_DIR: dir, AWS_ENDPOINT_URL_S3: '', MINIO_ENDPOINT: '' }, 30_000, { objectStore: true });

type Mode = 'stream only' | 'stream + store ndjson' | 'stream + store csv';
const MODES: Mode[] = ['stream only', 'stream + store ndjson', 'stream + store csv'];
const samples = new Map<Mode, { ms: number; storedMB: number }[]>(MODES.map((m) => [m, []]));

async function once(mode: Mode): Promise<void> {
  const body: Record<string, unknown> = { records, chunk_size: 1000, seed: 42 };
  if (mode !== 'stream only') body.sink = { prefix: 'bench', format: mode.endsWith('csv') ? 'csv' : 'ndjson' };
  const t0 = performance.now();
  const res = await fetch(`${sandbox.paymentUrl}/api/v1/data/generate`, {
    method: 'POST',
    headers: { Authorization: 'Bearer sandbox-token', 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`${mode}: HTTP ${res.status} ${await res.text()}`);
  let streamed = 0;
  for await (const chunk of res.body!) streamed += (chunk as Uint8Array).byteLength;
  const ms = performance.now() - t0;
  // Stored bytes: NDJSON parts hold exactly the streamed text; CSV parts are smaller, so ask the store.
  let storedMB = 0;
  if (mode !== 'stream only') {
    const { listAll } = await import('../cli/data/verify.ts');
    const { s3Client } = await import('../lib/s3-client.ts');
    const { parseS3Config } = await import('../lib/s3-config.ts');
    const c = s3Client(parseS3Config(sandbox.s3Env));
    const runId = res.headers.get('x-run-id');
    const objs = await listAll(c, 'analytics', `bench/${runId}/`);
    c.destroy();
    storedMB = objs.filter((o) => !o.key.endsWith('manifest.json')).reduce((a, o) => a + o.size, 0) / 1e6;
  } else storedMB = streamed / 1e6;
  samples.get(mode)!.push({ ms, storedMB });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
try {
  for (const m of MODES) await once(m); // warm-up, not counted
  for (const m of MODES) samples.get(m)!.length = 0;
  for (let r = 0; r < rounds; r++) for (const m of MODES) await once(m);
  const base = median(samples.get('stream only')!.map((s) => s.ms));
  console.log(`${records} records, ${rounds} rounds, medians (${new Date().toISOString().slice(0, 10)}):`);
  for (const m of MODES) {
    const s = samples.get(m)!;
    const ms = median(s.map((x) => x.ms));
    const mbps = median(s.map((x) => x.storedMB / (x.ms / 1000)));
    console.log(`  ${m.padEnd(22)} ${ms.toFixed(0).padStart(6)} ms  ${(s[0]!.storedMB).toFixed(1)} MB  ${mbps.toFixed(1)} MB/s  x${(ms / base).toFixed(2)} of stream only`);
  }
} finally {
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
}
