// Budgets for the failure user. Refusals are expected statuses, so http_req_failed counts only
// answers outside the contract; the exact gate is `unexpected_status` (a 5xx or a 2xx to bad input).
import type { ScenarioBudget, Thresholds } from '../lib/thresholds.ts';
import { DEFAULT_BUDGET, LOOKUP, WRITE } from './defaults.ts';

export const failuresBudget: ScenarioBudget = {
  ...DEFAULT_BUDGET,
  // Every answer here is scripted: anything off-contract is a defect, not noise.
  errorRate: 0.01,
  checksRate: 0.99,
  endpoints: {
    'POST /api/v1/payments': WRITE,
    'GET /api/v1/payments/{id}': LOOKUP,
    'POST /api/v1/payments/{id}/refunds': WRITE,
    'POST /api/v1/authorizations': WRITE,
    'GET /api/v1/transactions/{id}': LOOKUP,
    'POST /api/v1/users': WRITE,
  },
};

export const failuresExtraThresholds: Thresholds = {
  unexpected_status: ['count==0'],
};
