// The banking API as data: each endpoint's name, method, path template, contract statuses and the body a
// successful answer must have, and the request and response shapes the kit uses. The client the user
// classes call is derived from this table (lib/k6/client.ts). Pure, so budgets and tests read it in Node.
// Pointing the suite at your own banking API starts here (docs/adapting.md).
import { DEFAULTS } from '../../config.ts';
import type { Endpoint } from '../../endpoints.ts';
import { defineService, SANDBOX_SERVICE } from '../define.ts';
import type { CardInput } from '../../data/cards.ts';

// Body shapes, module level so their check sets are built once (lib/k6/http.ts responseCheck): an answer
// passes only with an expected status and its shape, so a result the caller gets is one it may use.
function isAuthorization(b: unknown): b is Authorization {
  const a = b as Authorization | null;
  return !!a && typeof a.id === 'string' && typeof a.amount === 'number' && typeof a.captured_amount === 'number';
}
const isOk = (b: unknown): b is { status: 'ok' } => (b as { status?: string } | null)?.status === 'ok';
const isAuthorized = (b: unknown): b is Authorization => isAuthorization(b) && b.status === 'authorized';
const isCaptured = (b: unknown): b is Authorization => isAuthorization(b) && b.status === 'captured';
const hasId = (b: unknown): b is { id: string; amount: number } => typeof (b as { id?: unknown } | null)?.id === 'string';
const hasTotals = (b: unknown) => Array.isArray((b as { currency_totals?: unknown } | null)?.currency_totals);
const hasResults = (b: unknown): b is { results: BatchResult[] } => Array.isArray((b as { results?: unknown } | null)?.results);
const isVerification = (b: unknown): b is AuditVerification => typeof (b as AuditVerification | null)?.valid === 'boolean';

// `retry`: the statuses the contract documents with a Retry-After header (checked against sandbox/openapi.yaml
// by tests/unit/endpoints.test.ts); a call that gets one waits and sends again (lib/k6/http.ts).
export const BANKING_API = {
  health: { method: 'GET', path: '/health', expected: [200], shape: isOk },
  authorize: { method: 'POST', path: '/api/v1/authorizations', expected: [201], retry: [429], shape: isAuthorized },
  capture: { method: 'POST', path: '/api/v1/authorizations/{id}/capture', expected: [200], retry: [429], shape: isCaptured },
  refund: { method: 'POST', path: '/api/v1/refunds', expected: [201], retry: [429], shape: hasId },
  transaction: { method: 'GET', path: '/api/v1/transactions/{id}', expected: [200], retry: [429], shape: hasId, sameId: 'id' },
  settlements: { method: 'GET', path: '/api/v1/settlements', expected: [200], retry: [429], shape: hasTotals },
  batch: { method: 'POST', path: '/api/v1/batch', expected: [200], retry: [429], shape: hasResults },
  registerUser: { method: 'POST', path: '/api/v1/users', expected: [201], retry: [429] },
  auditVerify: { method: 'GET', path: '/api/v1/audit/verify', expected: [200], retry: [429], shape: isVerification },
  stats: { method: 'GET', path: '/api/v1/stats', expected: [200], retry: [429] },
} as const satisfies Record<string, Endpoint>;

export const BANKING_SERVICE = defineService({
  ...SANDBOX_SERVICE,
  name: 'banking',
  urlVar: 'BANKING_API_URL',
  defaultUrl: DEFAULTS.BANKING_API_URL,
  endpoints: BANKING_API,
  probes: {
    health: BANKING_API.health,
    auth: { endpoint: BANKING_API.transaction, params: { id: 'txn_setup_probe_does_not_exist' }, accepted: [404] },
  },
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

/** One operation's answer in a batch, in the order sent. */
export interface BatchResult {
  index: number;
  status: number;
  body: unknown;
}

export interface AuditVerification {
  valid: boolean;
  entries: number;
  first_invalid_seq: number | null;
}
