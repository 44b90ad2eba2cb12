// Budgets for the realistic personas: the endpoints the personas use, at the payment and banking budgets.
import type { ScenarioBudget } from '../lib/thresholds.ts';
import { bankingBudget } from './banking.ts';
import { paymentBudget } from './payment.ts';

export const realisticBudget: ScenarioBudget = {
  ...paymentBudget,
  endpoints: {
    ...paymentBudget.endpoints,
    'POST /api/v1/authorizations': bankingBudget.endpoints['POST /api/v1/authorizations']!,
    'GET /api/v1/transactions/{id}': bankingBudget.endpoints['GET /api/v1/transactions/{id}']!,
    'GET /api/v1/settlements': bankingBudget.endpoints['GET /api/v1/settlements']!,
  },
};
