// Budgets for the banking-API user class. Shared numbers: thresholds/defaults.ts.
import type { ScenarioBudget } from '../lib/thresholds.ts';
import { DEFAULT_BUDGET, HEALTH, LOOKUP, PAST_PEAK, REPORT, WRITE } from './defaults.ts';

export const bankingBudget: ScenarioBudget = {
  ...DEFAULT_BUDGET,
  endpoints: {
    'POST /api/v1/authorizations': WRITE,
    'POST /api/v1/authorizations/{id}/capture': WRITE,
    'POST /api/v1/refunds': WRITE,
    'GET /api/v1/transactions/{id}': LOOKUP,
    'GET /api/v1/settlements': REPORT,
    'POST /api/v1/batch': REPORT,
    'GET /health': HEALTH,
  },
  profiles: PAST_PEAK,
};
