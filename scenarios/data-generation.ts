// Streaming data generation (POST /api/v1/data/generate, NDJSON): time to first byte (http_req_waiting),
// total time (http_req_duration), bytes and records received, throughput (gen_records_per_s,
// gen_bytes_per_s). Default: 3 sequential triggers of 20,000 records, a few seconds against the sandbox.
//   k6 run dist/data-generation.js
//   GEN_CONCURRENCY=5 k6 run dist/data-generation.js      synchronized concurrent triggers: only 2xx, 409, 429, 503 allowed
//   GEN_PROFILE=long k6 run dist/data-generation.js       1,000,000 records, body discarded (opt-in, minutes)
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { PaymentClient } from '../lib/clients/payment.ts';
import { PAYMENT_API, PAYMENT_SERVICE } from '../lib/services/payment.ts';
import { EnvReader, parseConfig } from '../lib/config.ts';
import { GEN_ACCEPTABLE_STATUSES, generationStatusAcceptable, summarizeNdjson } from '../lib/integrity.ts';
import { releaseInstant, waitForRelease } from '../lib/k6/release.ts';
import { defineTest, type SetupData } from '../lib/k6/test.ts';
import { durationSeconds, PROFILE_NAMES } from '../lib/profiles.ts';
import { generationBudget, generationThresholds } from '../thresholds/data-generation.ts';

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
if (concurrency > 1 && requests > 1) env.problems.push(`GEN_REQUESTS (${requests}) applies to sequential runs; with GEN_CONCURRENCY=${concurrency} each VU triggers once`);
env.done();

const payment = new PaymentClient();
const concurrent = concurrency > 1;

const recordsPerSecond = new Trend('gen_records_per_s');
const bytesPerSecond = new Trend('gen_bytes_per_s');
const recordsReceived = new Counter('gen_records');
const bytesReceived = new Counter('gen_bytes');
const streamsComplete = new Counter('gen_streams_complete');
const rejected = new Counter('gen_rejected');
const unacceptable = new Counter('gen_unacceptable_status');
const releaseLag = new Trend('gen_release_lag_ms', true);

const test = defineTest<{ releaseAt: number }>({
  name: 'data-generation',
  variant: concurrent ? `concurrent-${concurrency}` : profileName,
  config,
  targets: [PAYMENT_SERVICE],
  intrusive: true,
  // Each exists in the summary even when it stays 0, so its threshold is evaluated.
  zeroCounters: [streamsComplete, rejected, unacceptable],
  options: () => ({
    scenarios: {
      generate: concurrent
        ? { executor: 'per-vu-iterations', vus: concurrency, iterations: 1, maxDuration: '15m', gracefulStop: '30s' }
        : { executor: 'per-vu-iterations', vus: 1, iterations: requests, maxDuration: '60m', gracefulStop: '30s' },
    },
    thresholds: generationThresholds({ ttfbP95Ms, totalP95Ms, minRecordsPerSecond: Number.isNaN(minRps) ? null : minRps, concurrent }),
    // Large streams are counted (k6's data_received, the X-Records header) but not held in memory.
    discardResponseBodies: !keepBody,
  }),
  setup: () => ({ releaseAt: releaseInstant(concurrent ? 1000 : 0) }),
});

export const options = test.options;
export const setup = test.setup;
export const handleSummary = test.handleSummary;

export default function generate(data: SetupData<{ releaseAt: number }>): void {
  if (concurrent) {
    // Open the connection first, then fire together (as in the registration race).
    payment.raw().call(PAYMENT_API.health, { timeout: '5s', tags: { phase: 'warmup' } });
    releaseLag.add(waitForRelease(data.releaseAt));
  }
  const res = payment.raw().call(PAYMENT_API.generateData, {
    body: { records, chunk_size: chunkSize },
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
}
