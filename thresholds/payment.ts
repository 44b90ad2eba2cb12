// Budgets for the payment-service user class. Shared numbers: thresholds/defaults.ts.
import type { ScenarioBudget } from '../lib/thresholds.ts';
import { DEFAULT_BUDGET, HEALTH, LIST, LOOKUP, PAST_PEAK, WRITE } from './defaults.ts';

export const paymentBudget: ScenarioBudget = {
  ...DEFAULT_BUDGET,
  endpoints: {
    'POST /api/v1/payments': WRITE,
    'POST /api/v1/payments/{id}/refunds': WRITE,
    'GET /api/v1/payments/{id}': LOOKUP,
    'GET /api/v1/merchants/{merchantId}/transactions': LIST,
    'GET /health': HEALTH,
  },
  profiles: PAST_PEAK,
};
