// Budgets for the banking-API user class. One place per number.
import type { ScenarioBudget } from '../lib/thresholds.ts';

export const bankingBudget: ScenarioBudget = {
  endpoints: {
    'POST /api/v1/authorizations': { p95: 500, p99: 1000 },
    'POST /api/v1/authorizations/{id}/capture': { p95: 500, p99: 1000 },
    'POST /api/v1/refunds': { p95: 500, p99: 1000 },
    'GET /api/v1/transactions/{id}': { p95: 300, p99: 800 },
    // A report scans the day's transactions: it may take longer than a lookup.
    'GET /api/v1/settlements': { p95: 1000, p99: 2000 },
    'POST /api/v1/batch': { p95: 1000, p99: 2000 },
    'GET /health': { p95: 200, p99: 500 },
  },
  errorRate: 0.05,
  checksRate: 0.95,
  abortErrorRate: 0.5,
  throughputShare: 0.9,
  droppedShare: 0.01,
  profiles: {
    stress: { errorRate: 0.1 },
    spike: { errorRate: 0.1 },
  },
};
