// Budgets for the banking-API user class, one per endpoint of its table. Shared numbers: thresholds/defaults.ts.
import { endpointBudgets } from '../lib/endpoints.ts';
import { BANKING_API } from '../lib/services/banking/service.ts';
import type { ScenarioBudget } from '../lib/budgets.ts';
import { DEFAULT_BUDGET, HEALTH, LOOKUP, PAST_PEAK, REPORT, WRITE } from './defaults.ts';

export const bankingEndpoints = endpointBudgets(BANKING_API, {
  authorize: WRITE,
  capture: WRITE,
  refund: WRITE,
  transaction: LOOKUP,
  settlements: REPORT,
  batch: REPORT,
  health: HEALTH,
});

export const bankingBudget: ScenarioBudget = {
  ...DEFAULT_BUDGET,
  endpoints: bankingEndpoints,
  profiles: PAST_PEAK,
};
