// Thresholds for scenarios/data-generation.ts: the streaming generator answers fast, finishes in time,
// and concurrent triggers get only the answers the contract allows (2xx, 409, 429, 503).
import { endpointName } from '../lib/endpoints.ts';
import { PAYMENT_API } from '../lib/services/payment.ts';
import { endpointMetric, type Thresholds } from '../lib/budgets.ts';

export const GENERATE_ENDPOINT = endpointName(PAYMENT_API.generateData);

export const generationBudget = {
  /** Time to first byte (k6 http_req_waiting), p95, ms. Override: TTFB_P95_MS. */
  ttfbP95Ms: 5000,
  /** Whole stream (k6 http_req_duration), p95, ms. Override: GEN_TOTAL_P95_MS. */
  totalP95Ms: 600_000,
};

export interface GenerationThresholdOptions {
  ttfbP95Ms: number;
  totalP95Ms: number;
  /** Optional floor on throughput (records/s per stream). */
  minRecordsPerSecond: number | null;
  /** Sequential triggers must all stream; concurrent ones may be turned away politely. */
  concurrent: boolean;
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
  return t;
}
