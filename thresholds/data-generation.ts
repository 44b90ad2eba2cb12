// Thresholds for scenarios/data-generation.ts: the streaming generator answers fast, finishes in time,
// and concurrent triggers get only the answers the contract allows (2xx, 409, 429, 503).
import { endpointName } from '../lib/endpoints.ts';
import { PAYMENT_API } from '../lib/services/payment/service.ts';
import { endpointMetric, type Thresholds } from '../lib/budgets.ts';

export const GENERATE_ENDPOINT = endpointName(PAYMENT_API.generateData);

export const generationBudget = {
  /** Time to first byte (k6 http_req_waiting), p95, ms. Override: TTFB_P95_MS. */
  ttfbP95Ms: 5000,
  /** Whole stream (k6 http_req_duration), p95, ms. Override: GEN_TOTAL_P95_MS. */
  totalP95Ms: 600_000,
  /**
   * From the trigger to the run's manifest readable in storage, p95, ms. Override: GEN_MANIFEST_P95_MS.
   * 20,000 records (4.5 MB, 4 parts) take about 1-2 s against the embedded store (docs/object-storage.md).
   */
  timeToManifestP95Ms: 20_000,
  /**
   * Stored bytes over time to the manifest, per run, MB/s (10^6 B), the slowest run. Override:
   * GEN_MIN_STORAGE_MB_PER_S. A floor a 2-core machine keeps with room to spare; slow_storage breaks it.
   */
  minStorageMbPerS: 1,
};

export interface GenerationThresholdOptions {
  ttfbP95Ms: number;
  totalP95Ms: number;
  /** Optional floor on throughput (records/s per stream). */
  minRecordsPerSecond: number | null;
  /** Sequential triggers must all stream; concurrent ones may be turned away politely. */
  concurrent: boolean;
  /** Runs are stored in object storage: their time to the manifest and MB/s are judged too. */
  storage: { timeToManifestP95Ms: number; minMbPerS: number } | null;
}

export function generationThresholds(o: GenerationThresholdOptions): Thresholds {
  const t: Thresholds = {
    [endpointMetric('http_req_waiting', GENERATE_ENDPOINT)]: [`p(95)<${o.ttfbP95Ms}`],
    [endpointMetric('http_req_duration', GENERATE_ENDPOINT)]: [`p(95)<${o.totalP95Ms}`],
    gen_unacceptable_status: ['count==0'],
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
  };
  if (!o.concurrent) {
    // One trigger at a time: every one must stream a complete, well-framed body.
    t.gen_rejected = ['count==0'];
    t.gen_streams_complete = ['count>=1'];
  }
  if (o.minRecordsPerSecond !== null) t.gen_records_per_s = [`min>=${o.minRecordsPerSecond}`];
  if (o.storage) {
    t.gen_time_to_manifest_ms = [`p(95)<${o.storage.timeToManifestP95Ms}`];
    t.gen_storage_mb_per_s = [`min>=${o.storage.minMbPerS}`];
    // Every run that streamed left a manifest (a trigger turned away leaves nothing to find).
    t.gen_runs_stored = ['count>=1'];
  }
  return t;
}
