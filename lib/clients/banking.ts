// The banking API as the suite sees it: authorizations, captures, refunds, lookups, settlements,
// batches, user registration and the audit chain. Point the suite at your own banking API by
// changing this file (docs/adapting.md).
import { check } from 'k6';
import { ApiClient, checkResponse, checkSameId, jsonBody, type Endpoint, type Res } from '../k6/http.ts';
import type { CardInput } from './payment.ts';

export const BANKING_API = {
  health: { method: 'GET', path: '/health', expected: [200] },
  authorize: { method: 'POST', path: '/api/v1/authorizations', expected: [201] },
  capture: { method: 'POST', path: '/api/v1/authorizations/{id}/capture', expected: [200] },
  refund: { method: 'POST', path: '/api/v1/refunds', expected: [201] },
  transaction: { method: 'GET', path: '/api/v1/transactions/{id}', expected: [200] },
  settlements: { method: 'GET', path: '/api/v1/settlements', expected: [200] },
  batch: { method: 'POST', path: '/api/v1/batch', expected: [200] },
  registerUser: { method: 'POST', path: '/api/v1/users', expected: [201] },
  auditVerify: { method: 'GET', path: '/api/v1/audit/verify', expected: [200] },
  stats: { method: 'GET', path: '/api/v1/stats', expected: [200] },
} as const satisfies Record<string, Endpoint>;

export const BANKING_STATUS = {
  declined: 402,
  alreadyCaptured: 409,
  panTaken: 409,
  invalid: 422,
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

function isAuthorization(b: unknown): b is Authorization {
  const a = b as Authorization | null;
  return !!a && typeof a.id === 'string' && typeof a.amount === 'number' && typeof a.captured_amount === 'number';
}

// Body shapes, module level so their check sets are built once (lib/k6/http.ts checkResponse).
const isOk = (b: unknown) => (b as { status?: string } | null)?.status === 'ok';
const isAuthorized = (b: unknown) => isAuthorization(b) && b.status === 'authorized';
const isCaptured = (b: unknown) => isAuthorization(b) && b.status === 'captured';
const hasId = (b: unknown) => typeof (b as { id?: unknown } | null)?.id === 'string';
const hasTotals = (b: unknown) => Array.isArray((b as { currency_totals?: unknown } | null)?.currency_totals);
const hasResults = (b: unknown) => Array.isArray((b as { results?: unknown } | null)?.results);
const isVerification = (b: unknown) => typeof (b as AuditVerification | null)?.valid === 'boolean';

export class BankingClient {
  private readonly api: ApiClient;

  constructor(baseUrl: string, token: string) {
    this.api = new ApiClient(baseUrl, token);
  }

  health(): Res {
    const res = this.api.call(BANKING_API.health);
    checkResponse(res, BANKING_API.health, [200], isOk);
    return res;
  }

  authorize(body: AuthorizationRequest, opts: { expectDecline?: boolean } = {}): Authorization | null {
    const want = opts.expectDecline ? [BANKING_STATUS.declined] : [201];
    const res = this.api.call(BANKING_API.authorize, { body, expected: want });
    checkResponse(res, BANKING_API.authorize, want, opts.expectDecline ? undefined : isAuthorized);
    const parsed = res.status === 201 ? jsonBody(res) : null;
    return isAuthorization(parsed) ? parsed : null;
  }

  capture(id: string, amount?: number): Authorization | null {
    const res = this.api.call(BANKING_API.capture, { params: { id }, body: amount === undefined ? {} : { amount } });
    checkResponse(res, BANKING_API.capture, [200], isCaptured);
    const parsed = res.status === 200 ? jsonBody(res) : null;
    return isAuthorization(parsed) ? parsed : null;
  }

  refund(transactionId: string, amount: number): { id: string; amount: number } | null {
    const res = this.api.call(BANKING_API.refund, { body: { transaction_id: transactionId, amount } });
    checkResponse(res, BANKING_API.refund, [201], hasId);
    return res.status === 201 ? jsonBody<{ id: string; amount: number }>(res) : null;
  }

  transaction(id: string): Res {
    const res = this.api.call(BANKING_API.transaction, { params: { id } });
    checkResponse(res, BANKING_API.transaction, [200], hasId);
    checkSameId(res, 'GET /api/v1/transactions/{id}', jsonBody<{ id?: string }>(res)?.id, id);
    return res;
  }

  settlements(date: string): Res {
    const res = this.api.call(BANKING_API.settlements, { query: { date } });
    checkResponse(res, BANKING_API.settlements, [200], hasTotals);
    return res;
  }

  batch(operations: BatchOperation[]): Array<{ index: number; status: number; body: unknown }> | null {
    const res = this.api.call(BANKING_API.batch, { body: { operations } });
    checkResponse(res, BANKING_API.batch, [200], hasResults);
    const results = res.status === 200 ? (jsonBody<{ results: Array<{ index: number; status: number; body: unknown }> }>(res)?.results ?? null) : null;
    if (results && results.length !== operations.length) check(res, { 'POST /api/v1/batch answers every operation': () => false });
    return results;
  }

  /** Registers a user; `expected` lets a race accept 201 or 409 as the contract allows. */
  registerUser(body: { name: string; pan: string; email?: string }, expected: readonly number[] = [201]): Res {
    const res = this.api.call(BANKING_API.registerUser, { body, expected });
    checkResponse(res, BANKING_API.registerUser, expected);
    return res;
  }

  auditVerify(): AuditVerification | null {
    const res = this.api.call(BANKING_API.auditVerify, { timeout: '60s' });
    checkResponse(res, BANKING_API.auditVerify, [200], isVerification);
    return res.status === 200 ? jsonBody<AuditVerification>(res) : null;
  }

  stats(): Record<string, number> | null {
    const res = this.api.call(BANKING_API.stats);
    return res.status === 200 ? jsonBody<Record<string, number>>(res) : null;
  }

  raw(): ApiClient {
    return this.api;
  }
}
