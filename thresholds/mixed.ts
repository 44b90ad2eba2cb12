// Budgets for the mixed workload: every class at once, each endpoint at its own class's budget.
import { endpointBudgets } from '../lib/endpoints.ts';
import { BANKING_API } from '../lib/services/banking/service.ts';
import type { ScenarioBudget, Thresholds } from '../lib/budgets.ts';
import { bankingEndpoints } from './banking.ts';
import { failuresExtraThresholds } from './failures.ts';
import { WRITE } from './defaults.ts';
import { paymentBudget, paymentEndpoints } from './payment.ts';

export const mixedBudget: ScenarioBudget = {
  ...paymentBudget,
  endpoints: { ...paymentEndpoints, ...bankingEndpoints, ...endpointBudgets(BANKING_API, { registerUser: WRITE }) },
};

export const mixedExtraThresholds: Thresholds = { ...failuresExtraThresholds };
