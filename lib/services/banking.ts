// The banking API as data: each endpoint's name, method, path template and contract statuses, and the
// request and response shapes the kit uses. Pure, so budgets and tests read it in Node.
// Pointing the suite at your own banking API starts here (docs/adapting.md).
import { DEFAULTS } from '../config.ts';
import type { Endpoint } from '../endpoints.ts';
import { defineService } from '../service.ts';
import type { CardInput } from './payment.ts';

// `retry`: the statuses the contract documents with a Retry-After header (checked against sandbox/openapi.yaml
// by tests/unit/endpoints.test.ts); a call that gets one waits and sends again (lib/k6/http.ts).
export const BANKING_API = {
  health: { method: 'GET', path: '/health', expected: [200] },
  authorize: { method: 'POST', path: '/api/v1/authorizations', expected: [201], retry: [429] },
  capture: { method: 'POST', path: '/api/v1/authorizations/{id}/capture', expected: [200], retry: [429] },
  refund: { method: 'POST', path: '/api/v1/refunds', expected: [201], retry: [429] },
  transaction: { method: 'GET', path: '/api/v1/transactions/{id}', expected: [200], retry: [429] },
  settlements: { method: 'GET', path: '/api/v1/settlements', expected: [200], retry: [429] },
  batch: { method: 'POST', path: '/api/v1/batch', expected: [200], retry: [429] },
  registerUser: { method: 'POST', path: '/api/v1/users', expected: [201], retry: [429] },
  auditVerify: { method: 'GET', path: '/api/v1/audit/verify', expected: [200], retry: [429] },
  stats: { method: 'GET', path: '/api/v1/stats', expected: [200], retry: [429] },
} as const satisfies Record<string, Endpoint>;

export const BANKING_SERVICE = defineService({
  name: 'banking',
  urlVar: 'BANKING_API_URL',
  defaultUrl: DEFAULTS.BANKING_API_URL,
  sandbox: true,
  auth: { kind: 'bearer', tokenVar: 'AUTH_TOKEN' },
  endpoints: BANKING_API,
  probes: {
    health: BANKING_API.health,
    auth: { endpoint: BANKING_API.transaction, params: { id: 'txn_setup_probe_does_not_exist' }, accepted: [404] },
  },
  declines: true,
});

/** The statuses the banking API documents for refusals (sandbox/openapi.yaml). */
export const BANKING_STATUS = {
  declined: 402,
  alreadyCaptured: 409,
  panTaken: 409,
  invalid: 422,
  unauthorized: 401,
  notFound: 404,
} as const;

export interface AuthorizationRequest {
  merchant_id: string;
  amount: number;
  currency: string;
  card: CardInput;
}

export interface Authorization {
  id: string;
  status: string;
  amount: number;
  currency: string;
  captured_amount: number;
  refunded_amount: number;
}

export type BatchOperation =
  | { type: 'authorize'; body: AuthorizationRequest }
  | { type: 'capture'; id: string; body: { amount?: number } }
  | { type: 'refund'; body: { transaction_id: string; amount: number } };

export interface AuditVerification {
  valid: boolean;
  entries: number;
  first_invalid_seq: number | null;
}
