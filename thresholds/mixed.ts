// Budgets for the mixed workload: every class at once, each endpoint at its own class's budget.
import type { ScenarioBudget, Thresholds } from '../lib/thresholds.ts';
import { bankingBudget } from './banking.ts';
import { failuresExtraThresholds } from './failures.ts';
import { WRITE } from './defaults.ts';
import { paymentBudget } from './payment.ts';

export const mixedBudget: ScenarioBudget = {
  ...paymentBudget,
  endpoints: { ...paymentBudget.endpoints, ...bankingBudget.endpoints, 'POST /api/v1/users': WRITE },
};

export const mixedExtraThresholds: Thresholds = { ...failuresExtraThresholds };
