// Streaming data generation (POST /api/v1/data/generate, NDJSON): time to first byte (http_req_waiting),
// total time (http_req_duration), bytes and records received, throughput (gen_records_per_s,
// gen_bytes_per_s). Default: 3 sequential triggers of 20,000 records, a few seconds against the sandbox.
// Each run is also stored in object storage (the embedded store, or AWS_ENDPOINT_URL_S3 and friends:
// lib/s3-config.ts) under <GEN_S3_PREFIX>/<test run id>/<run id>/: the VU times the manifest
// (gen_time_to_manifest_ms, gen_storage_mb_per_s), and teardown proves every byte: the paged listing
// equals each manifest, sizes and sha256 match, the seed suite's floor holds (lib/data/stored-run.ts).
//   k6 run dist/data-generation.js
//   GEN_STORE=false k6 run dist/data-generation.js        streaming only, nothing stored
//   GEN_CONCURRENCY=5 k6 run dist/data-generation.js      synchronized concurrent triggers: only 2xx, 409, 429, 503 allowed
//   GEN_PROFILE=long k6 run dist/data-generation.js       1,000,000 records, body discarded (opt-in, minutes)
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { PAYMENT_API, PAYMENT_SERVICE } from '../lib/services/payment/service.ts';
import { EnvReader, parseConfig } from '../lib/config.ts';
import { GEN_ACCEPTABLE_STATUSES, generationStatusAcceptable, summarizeNdjson } from '../lib/generation-stream.ts';
import { serviceClient } from '../lib/k6/client.ts';
import { releaseInstant, waitForRelease } from '../lib/k6/release.ts';
import { defineTest, type SetupData } from '../lib/k6/test.ts';
import { durationSeconds, PROFILE_NAMES } from '../lib/profiles.ts';
import { generationBudget, generationThresholds } from '../thresholds/data-generation.ts';
import { parseS3Config, S3ConfigError, keyPrefixProblem, type S3Config } from '../lib/s3-config.ts';
import { S3Reader } from '../lib/k6/s3.ts';
import { checkListing, formatFinding, manifestKey, readManifest, RUN_CHECKS, type ListedObject, type RunFinding } from '../lib/data/stored-run.ts';
import { STREAM_FORMATS, type StreamFormat } from '../lib/data/transaction-stream.ts';

const PROFILES = {
  default: { records: 20_000, requests: 3, timeout: '120s' },
  long: { records: 1_000_000, requests: 1, timeout: '10m' },
} as const;

/** Bodies up to this many records are kept and checked record by record; larger ones are discarded as they arrive. */
const KEEP_BODY_MAX_RECORDS = 200_000;

const config = parseConfig(__ENV, PROFILE_NAMES);
const env = new EnvReader(__ENV);
const profileName = env.oneOf('GEN_PROFILE', 'default', ['default', 'long'] as const);
const profile = PROFILES[profileName];
const records = env.number('GEN_RECORDS', profile.records, { min: 1, max: 10_000_000, integer: true });
const chunkSize = env.number('GEN_CHUNK_SIZE', 1000, { min: 1, max: 100_000, integer: true });
const concurrency = env.number('GEN_CONCURRENCY', 1, { min: 1, max: 100, integer: true });
const requests = env.number('GEN_REQUESTS', concurrency > 1 ? 1 : profile.requests, { min: 1, max: 100, integer: true });
const ttfbP95Ms = env.number('TTFB_P95_MS', generationBudget.ttfbP95Ms, { min: 1, what: 'milliseconds' });
const totalP95Ms = env.number('GEN_TOTAL_P95_MS', generationBudget.totalP95Ms, { min: 1, what: 'milliseconds' });
const minRps = env.number('GEN_MIN_RECORDS_PER_S', NaN, { min: 0, what: 'records per second' });
const timeout = env.raw('GEN_TIMEOUT') ?? profile.timeout;
if (!(durationSeconds(timeout) >= 1)) env.problems.push(`GEN_TIMEOUT must be a k6 duration of at least 1s like 120s or 10m; got '${timeout}'`);
const keepBody = env.bool('GEN_KEEP_BODY', records <= KEEP_BODY_MAX_RECORDS);
// Storing is on by default except for the long profile, whose 330 MB teardown would re-read every byte.
const store = env.bool('GEN_STORE', profileName !== 'long');
const format = env.oneOf<StreamFormat>('GEN_FORMAT', 'ndjson', STREAM_FORMATS);
const partRecords = env.number('GEN_PART_RECORDS', 5000, { min: 1, max: 1_000_000, integer: true });
const s3Prefix = env.raw('GEN_S3_PREFIX') ?? 'paykit-k6/data-generation';
const prefixProblem = keyPrefixProblem(s3Prefix);
if (prefixProblem) env.problems.push(`GEN_S3_PREFIX ${prefixProblem}, got '${s3Prefix}'`);
// Small pages by default, so the teardown's listing really follows continuation tokens.
const listPageSize = env.number('GEN_S3_PAGE_SIZE', 4, { min: 1, max: 1000, integer: true });
const manifestP95Ms = env.number('GEN_MANIFEST_P95_MS', generationBudget.timeToManifestP95Ms, { min: 1, what: 'milliseconds' });
const minStorageMbPerS = env.number('GEN_MIN_STORAGE_MB_PER_S', generationBudget.minStorageMbPerS, { min: 0, what: 'MB/s' });
let s3: S3Config | null = null;
if (store) {
  try {
    s3 = parseS3Config(__ENV);
  } catch (err) {
    if (!(err instanceof S3ConfigError)) throw err;
    env.problems.push(...err.problems);
  }
}
if (concurrency > 1 && requests > 1) env.problems.push(`GEN_REQUESTS (${requests}) applies to sequential runs; with GEN_CONCURRENCY=${concurrency} each VU triggers once`);
env.done();

const payment = serviceClient(PAYMENT_SERVICE);
const concurrent = concurrency > 1;

const recordsPerSecond = new Trend('gen_records_per_s');
const bytesPerSecond = new Trend('gen_bytes_per_s');
const recordsReceived = new Counter('gen_records');
const bytesReceived = new Counter('gen_bytes');
const streamsComplete = new Counter('gen_streams_complete');
const rejected = new Counter('gen_rejected');
const unacceptable = new Counter('gen_unacceptable_status');
const releaseLag = new Trend('gen_release_lag_ms', true);
const timeToManifest = new Trend('gen_time_to_manifest_ms', true);
const storageMbPerS = new Trend('gen_storage_mb_per_s');
const runsStored = new Counter('gen_runs_stored');

const storage = s3 ? new S3Reader(s3) : null;

interface GenData {
  releaseAt: number;
  /** This test's runs go under <GEN_S3_PREFIX>/<test run id>, so teardown finds exactly them. */
  prefix: string;
}

const test = defineTest<GenData>({
  name: 'data-generation',
  variant: concurrent ? `concurrent-${concurrency}` : profileName,
  config,
  targets: [PAYMENT_SERVICE],
  intrusive: true,
  // Each exists in the summary even when it stays 0, so its threshold is evaluated.
  zeroCounters: [streamsComplete, rejected, unacceptable, runsStored],
  options: () => ({
    scenarios: {
      generate: concurrent
        ? { executor: 'per-vu-iterations', vus: concurrency, iterations: 1, maxDuration: '15m', gracefulStop: '30s' }
        : { executor: 'per-vu-iterations', vus: 1, iterations: requests, maxDuration: '60m', gracefulStop: '30s' },
    },
    thresholds: generationThresholds({
      ttfbP95Ms,
      totalP95Ms,
      minRecordsPerSecond: Number.isNaN(minRps) ? null : minRps,
      concurrent,
      storage: store ? { timeToManifestP95Ms: manifestP95Ms, minMbPerS: minStorageMbPerS } : null,
    }),
    teardownTimeout: '5m',
    // Large streams are counted (k6's data_received, the X-Records header) but not held in memory.
    discardResponseBodies: !keepBody,
  }),
  setup: (run) => ({ releaseAt: releaseInstant(concurrent ? 1000 : 0), prefix: `${s3Prefix}/${run.runId}` }),
});

export const options = test.options;
export const setup = test.setup;
export const handleSummary = test.handleSummary;

export default function generate(data: SetupData<GenData>): void {
  if (concurrent) {
    // Open the connection first, then fire together (as in the registration race).
    payment.call(PAYMENT_API.health, { timeout: '5s', tags: { phase: 'warmup' } });
    releaseLag.add(waitForRelease(data.releaseAt));
  }
  const started = Date.now();
  const sink = s3 ? { bucket: s3.bucket, prefix: data.prefix, format, part_records: partRecords } : undefined;
  const res = payment.call(PAYMENT_API.generateData, {
    body: sink ? { records, chunk_size: chunkSize, sink } : { records, chunk_size: chunkSize },
    expected: concurrent ? GEN_ACCEPTABLE_STATUSES : [200],
    timeout,
  });
  const acceptable = concurrent ? generationStatusAcceptable(res.status) : res.status === 200;
  check(res, { [`generate: status ${concurrent ? '2xx|409|429|503' : '200'}`]: () => acceptable });
  if (!acceptable) {
    unacceptable.add(1, { status: String(res.status) });
    console.warn(`data-generation: VU ${exec.vu.idInTest} got HTTP ${res.status}${res.error ? ` (${res.error})` : ''}`);
    return;
  }
  if (res.status < 200 || res.status > 299) {
    rejected.add(1, { status: String(res.status) });
    return;
  }

  const seconds = res.timings.duration / 1000;
  const headerRecords = Number(res.headers['X-Records']);
  let got = Number.isFinite(headerRecords) ? headerRecords : records;
  let complete = true;
  if (keepBody) {
    const body = typeof res.body === 'string' ? res.body : '';
    const s = summarizeNdjson(body);
    got = s.records;
    complete = s.records === records && s.framingOk;
    check(res, {
      'generate: every requested record arrived': () => s.records === records,
      'generate: NDJSON framing (seq 1..records)': () => s.framingOk,
    });
    bytesReceived.add(s.bytes);
    if (seconds > 0) bytesPerSecond.add(s.bytes / seconds);
  }
  check(res, { 'generate: content-type is NDJSON': (r) => /ndjson/i.test(String(r.headers['Content-Type'] ?? '')) });
  recordsReceived.add(got);
  if (seconds > 0) recordsPerSecond.add(got / seconds);
  if (complete) streamsComplete.add(1);
  if (storage) timeManifest(storage, data.prefix, String(res.headers['X-Run-Id'] ?? ''), started);
}

/** The manifest is written before the stream ends: it must be readable the moment the body is complete. */
function timeManifest(reader: S3Reader, prefix: string, runId: string, started: number): void {
  const read = readManifest(runId ? reader.getText(manifestKey(prefix, runId)) : null);
  const ms = Date.now() - started;
  check(read, { [RUN_CHECKS.manifest]: (r) => r.manifest !== null });
  if (read.manifest === null) {
    console.error(`data-generation: run ${runId || '(no X-Run-Id header)'} under ${prefix}/: manifest ${read.problem}`);
    return;
  }
  const m = read.manifest;
  runsStored.add(1);
  timeToManifest.add(ms);
  storageMbPerS.add(m.bytes / 1e6 / Math.max(ms / 1000, 0.001));
}

/**
 * Lists everything this test stored (paged), and for each run directory proves the manifest against
 * the listing and against every part's bytes read back. Each check is reported by name, pass or fail;
 * every failure is logged with the object it concerns.
 */
export function teardown(data: SetupData<GenData>): void {
  if (!storage) return;
  const { objects, pages } = storage.list(`${data.prefix}/`, listPageSize);
  const byRun = new Map<string, ListedObject[]>();
  for (const o of objects) {
    const runId = o.key.slice(data.prefix.length + 1).split('/')[0] as string;
    byRun.set(runId, [...(byRun.get(runId) ?? []), o]);
  }
  const findings: RunFinding[] = [];
  if (byRun.size === 0) findings.push({ check: RUN_CHECKS.floor, message: `nothing stored under ${data.prefix}/` });
  for (const [runId, listing] of byRun) {
    const mk = manifestKey(data.prefix, runId);
    const read = readManifest(storage.getText(mk));
    if (read.manifest === null) {
      findings.push({ check: RUN_CHECKS.manifest, object: mk, message: read.problem });
      continue;
    }
    const m = read.manifest;
    const sums = new Map<string, string>();
    for (const p of m.parts) {
      const bytes = listing.some((o) => o.key === p.key) ? storage.getBytes(p.key) : null;
      if (bytes !== null) sums.set(p.key, storage.sha256Hex(bytes));
    }
    findings.push(...checkListing(m, listing, sums));
  }
  for (const f of findings) console.error(`data-generation: ${formatFinding(f)}`);
  const failed = new Set(findings.map((f) => f.check));
  for (const name of [RUN_CHECKS.manifest, RUN_CHECKS.listing, RUN_CHECKS.sizes, RUN_CHECKS.checksums, RUN_CHECKS.floor, RUN_CHECKS.counts]) {
    check(null, { [name]: () => !failed.has(name) });
  }
  console.log(`data-generation: teardown read ${objects.length} objects of ${byRun.size} run(s) under ${data.prefix}/ in ${pages} listing page(s)`);
}
