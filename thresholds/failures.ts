// Budgets for the failure user. Refusals are expected statuses, so http_req_failed counts only
// answers outside the contract; the exact gate is `unexpected_status` (a 5xx or a 2xx to bad input).
import { endpointBudgets } from '../lib/endpoints.ts';
import { BANKING_API } from '../lib/services/banking/service.ts';
import { PAYMENT_API } from '../lib/services/payment/service.ts';
import type { ScenarioBudget, Thresholds } from '../lib/budgets.ts';
import { DEFAULT_BUDGET, LOOKUP, WRITE } from './defaults.ts';

export const failuresBudget: ScenarioBudget = {
  ...DEFAULT_BUDGET,
  // Every answer here is scripted: anything off-contract is a defect, not noise.
  errorRate: 0.01,
  checksRate: 0.99,
  endpoints: {
    ...endpointBudgets(PAYMENT_API, { createPayment: WRITE, getPayment: LOOKUP, refundPayment: WRITE }),
    ...endpointBudgets(BANKING_API, { authorize: WRITE, transaction: LOOKUP, registerUser: WRITE }),
  },
};

export const failuresExtraThresholds: Thresholds = {
  unexpected_status: ['count==0'],
};
