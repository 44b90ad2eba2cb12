// The payment service's API as data: each endpoint's name, method, path template, contract statuses and
// the body a successful answer must have, and the request and response shapes the kit uses. The client the
// user classes call is derived from this table (lib/k6/client.ts). Pure, so budgets and tests read it in Node.
// Pointing the suite at your own payment service starts here (docs/adapting.md).
import { DEFAULTS } from '../../config.ts';
import type { Endpoint } from '../../endpoints.ts';
import { defineService, SANDBOX_SERVICE } from '../define.ts';
import type { CardInput } from '../../data/cards.ts';

export type { CardInput } from '../../data/cards.ts';

// Body shapes, module level so their check sets are built once (lib/k6/http.ts responseCheck): an answer
// passes only with an expected status and its shape, so a result the caller gets is one it may use.
function isPayment(b: unknown): b is Payment {
  const p = b as Payment | null;
  return !!p && typeof p.id === 'string' && typeof p.amount === 'number' && typeof p.currency === 'string';
}
const isOk = (b: unknown): b is { status: 'ok' } => (b as { status?: string } | null)?.status === 'ok';
const hasId = (b: unknown): b is { id: string; amount: number } => typeof (b as { id?: unknown } | null)?.id === 'string';
const hasDataArray = (b: unknown): b is { data: unknown[] } => Array.isArray((b as { data?: unknown } | null)?.data);
/** A decline's answer: the body a create gets with a decline test card (402). */
export const isDecline = (b: unknown) => (b as { error?: { code?: string } } | null)?.error?.code === 'card_declined';

// `retry`: the statuses the contract documents with a Retry-After header (checked against sandbox/openapi.yaml
// by tests/unit/endpoints.test.ts); a call that gets one waits and sends again (lib/k6/http.ts).
export const PAYMENT_API = {
  health: { method: 'GET', path: '/health', expected: [200], shape: isOk },
  createPayment: { method: 'POST', path: '/api/v1/payments', expected: [201], retry: [429], shape: isPayment },
  refundPayment: { method: 'POST', path: '/api/v1/payments/{id}/refunds', expected: [201], retry: [429], shape: hasId },
  getPayment: { method: 'GET', path: '/api/v1/payments/{id}', expected: [200], retry: [429], shape: isPayment, sameId: 'id' },
  merchantTransactions: { method: 'GET', path: '/api/v1/merchants/{merchantId}/transactions', expected: [200], retry: [429], shape: hasDataArray },
  stats: { method: 'GET', path: '/api/v1/stats', expected: [200], retry: [429] },
  generateData: { method: 'POST', path: '/api/v1/data/generate', expected: [200], retry: [409, 429] },
} as const satisfies Record<string, Endpoint>;

export const PAYMENT_SERVICE = defineService({
  ...SANDBOX_SERVICE,
  name: 'payment',
  urlVar: 'PAYMENT_SERVICE_URL',
  defaultUrl: DEFAULTS.PAYMENT_SERVICE_URL,
  endpoints: PAYMENT_API,
  probes: {
    health: PAYMENT_API.health,
    auth: { endpoint: PAYMENT_API.getPayment, params: { id: 'pay_setup_probe_does_not_exist' }, accepted: [404] },
  },
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
