// Budgets for the realistic personas: the endpoints the personas use, at the payment and banking budgets.
import { endpointBudgets } from '../lib/endpoints.ts';
import { BANKING_API } from '../lib/services/banking.ts';
import type { ScenarioBudget } from '../lib/budgets.ts';
import { LOOKUP, REPORT, WRITE } from './defaults.ts';
import { paymentBudget, paymentEndpoints } from './payment.ts';

export const realisticBudget: ScenarioBudget = {
  ...paymentBudget,
  endpoints: {
    ...paymentEndpoints,
    ...endpointBudgets(BANKING_API, { authorize: WRITE, transaction: LOOKUP, settlements: REPORT }),
  },
};
