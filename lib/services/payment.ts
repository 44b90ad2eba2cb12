// The payment service's API as data: each endpoint's name, method, path template and contract statuses,
// and the request and response shapes the kit uses. Pure, so budgets and tests read it in Node.
// Pointing the suite at your own payment service starts here (docs/adapting.md).
import { DEFAULTS } from '../config.ts';
import type { Endpoint } from '../endpoints.ts';
import { defineService } from '../service.ts';

// `retry`: the statuses the contract documents with a Retry-After header (checked against sandbox/openapi.yaml
// by tests/unit/endpoints.test.ts); a call that gets one waits and sends again (lib/k6/http.ts).
export const PAYMENT_API = {
  health: { method: 'GET', path: '/health', expected: [200] },
  createPayment: { method: 'POST', path: '/api/v1/payments', expected: [201], retry: [429] },
  refundPayment: { method: 'POST', path: '/api/v1/payments/{id}/refunds', expected: [201], retry: [429] },
  getPayment: { method: 'GET', path: '/api/v1/payments/{id}', expected: [200], retry: [429] },
  merchantTransactions: { method: 'GET', path: '/api/v1/merchants/{merchantId}/transactions', expected: [200], retry: [429] },
  stats: { method: 'GET', path: '/api/v1/stats', expected: [200], retry: [429] },
  generateData: { method: 'POST', path: '/api/v1/data/generate', expected: [200], retry: [409, 429] },
} as const satisfies Record<string, Endpoint>;

export const PAYMENT_SERVICE = defineService({
  name: 'payment',
  urlVar: 'PAYMENT_SERVICE_URL',
  defaultUrl: DEFAULTS.PAYMENT_SERVICE_URL,
  sandbox: true,
  auth: { kind: 'bearer', tokenVar: 'AUTH_TOKEN' },
  endpoints: PAYMENT_API,
  probes: {
    health: PAYMENT_API.health,
    auth: { endpoint: PAYMENT_API.getPayment, params: { id: 'pay_setup_probe_does_not_exist' }, accepted: [404] },
  },
  declines: true,
});

/** The statuses the sandbox documents for card problems (sandbox/openapi.yaml). */
export const PAYMENT_STATUS = {
  declined: 402,
  invalid: 422,
  unauthorized: 401,
  notFound: 404,
  malformed: 400,
  refundTooLarge: 422,
} as const;

export interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvv: string;
}

export interface PaymentRequest {
  merchant_id: string;
  amount: number;
  currency: string;
  card: CardInput;
  customer_id?: string;
  description?: string;
}

export interface Payment {
  id: string;
  status: string;
  merchant_id: string;
  amount: number;
  currency: string;
  refunded_amount: number;
}
