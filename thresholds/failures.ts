// Budgets for the failure user. Refusals are expected statuses, so http_req_failed counts only
// answers outside the contract; the exact gate is `unexpected_status` (a 5xx or a 2xx to bad input).
import type { ScenarioBudget } from '../lib/thresholds.ts';
import type { Thresholds } from '../lib/thresholds.ts';

export const failuresBudget: ScenarioBudget = {
  endpoints: {
    'POST /api/v1/payments': { p95: 500, p99: 1000 },
    'GET /api/v1/payments/{id}': { p95: 300, p99: 800 },
    'POST /api/v1/payments/{id}/refunds': { p95: 500, p99: 1000 },
    'POST /api/v1/authorizations': { p95: 500, p99: 1000 },
    'GET /api/v1/transactions/{id}': { p95: 300, p99: 800 },
    'POST /api/v1/users': { p95: 500, p99: 1000 },
  },
  errorRate: 0.01,
  checksRate: 0.99,
  abortErrorRate: 0.5,
  throughputShare: 0.9,
  droppedShare: 0.01,
};

export const failuresExtraThresholds: Thresholds = {
  unexpected_status: ['count==0'],
};
