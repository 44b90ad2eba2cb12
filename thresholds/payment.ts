// Budgets for the payment-service user class. One place per number.
// Defaults follow the Locust suite's local baseline: p95 under 500 ms, errors under 5%.
import type { ScenarioBudget } from '../lib/thresholds.ts';

export const paymentBudget: ScenarioBudget = {
  endpoints: {
    'POST /api/v1/payments': { p95: 500, p99: 1000 },
    'POST /api/v1/payments/{id}/refunds': { p95: 500, p99: 1000 },
    'GET /api/v1/payments/{id}': { p95: 300, p99: 800 },
    'GET /api/v1/merchants/{merchantId}/transactions': { p95: 500, p99: 1000 },
    'GET /health': { p95: 200, p99: 500 },
  },
  errorRate: 0.05,
  checksRate: 0.95,
  abortErrorRate: 0.5,
  throughputShare: 0.9,
  droppedShare: 0.01,
  profiles: {
    // Past the peak errors are expected; the run exists to see where latency bends.
    stress: { errorRate: 0.1 },
    spike: { errorRate: 0.1 },
  },
};
