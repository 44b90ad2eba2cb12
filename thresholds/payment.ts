// Budgets for the payment-service user class, one per endpoint of its table. Shared numbers: thresholds/defaults.ts.
import { endpointBudgets } from '../lib/endpoints.ts';
import { PAYMENT_API } from '../lib/services/payment/service.ts';
import type { ScenarioBudget } from '../lib/budgets.ts';
import { DEFAULT_BUDGET, HEALTH, LIST, LOOKUP, PAST_PEAK, WRITE } from './defaults.ts';

export const paymentEndpoints = endpointBudgets(PAYMENT_API, {
  createPayment: WRITE,
  refundPayment: WRITE,
  getPayment: LOOKUP,
  merchantTransactions: LIST,
  health: HEALTH,
});

export const paymentBudget: ScenarioBudget = {
  ...DEFAULT_BUDGET,
  endpoints: paymentEndpoints,
  profiles: PAST_PEAK,
};
