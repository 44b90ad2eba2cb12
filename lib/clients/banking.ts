// The banking API's client in k6: one method per endpoint of lib/services/banking.ts (authorizations,
// captures, refunds, lookups, settlements, batches, user registration, the audit chain), with the
// checks each answer must pass.
import { check } from 'k6';
import { endpointName, successStatus } from '../endpoints.ts';
import {
  BANKING_API,
  BANKING_SERVICE,
  BANKING_STATUS,
  type AuditVerification,
  type Authorization,
  type AuthorizationRequest,
  type BatchOperation,
} from '../services/banking.ts';
import { serviceClient } from '../k6/service-client.ts';
import { ApiClient, checkResponse, checkSameId, jsonBody, type Res } from '../k6/http.ts';

export { BANKING_API, BANKING_SERVICE, BANKING_STATUS } from '../services/banking.ts';
export type { AuditVerification, Authorization, AuthorizationRequest, BatchOperation } from '../services/banking.ts';

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

// What success looks like for each call, read from the table once.
const AUTHORIZED = successStatus(BANKING_API.authorize);
const CAPTURED = successStatus(BANKING_API.capture);
const REFUNDED = successStatus(BANKING_API.refund);
const BATCHED = successStatus(BANKING_API.batch);
const VERIFIED = successStatus(BANKING_API.auditVerify);
const DECLINED = [BANKING_STATUS.declined] as const;

export class BankingClient {
  private readonly api: ApiClient;

  constructor(api: ApiClient = serviceClient(BANKING_SERVICE)) {
    this.api = api;
  }

  health(): Res {
    const res = this.api.call(BANKING_API.health);
    checkResponse(res, BANKING_API.health, BANKING_API.health.expected, isOk);
    return res;
  }

  authorize(body: AuthorizationRequest, opts: { expectDecline?: boolean } = {}): Authorization | null {
    const want = opts.expectDecline ? DECLINED : BANKING_API.authorize.expected;
    const res = this.api.call(BANKING_API.authorize, { body, expected: want });
    checkResponse(res, BANKING_API.authorize, want, opts.expectDecline ? undefined : isAuthorized);
    const parsed = res.status === AUTHORIZED ? jsonBody(res) : null;
    return isAuthorization(parsed) ? parsed : null;
  }

  capture(id: string, amount?: number): Authorization | null {
    const res = this.api.call(BANKING_API.capture, { params: { id }, body: amount === undefined ? {} : { amount } });
    checkResponse(res, BANKING_API.capture, BANKING_API.capture.expected, isCaptured);
    const parsed = res.status === CAPTURED ? jsonBody(res) : null;
    return isAuthorization(parsed) ? parsed : null;
  }

  refund(transactionId: string, amount: number): { id: string; amount: number } | null {
    const res = this.api.call(BANKING_API.refund, { body: { transaction_id: transactionId, amount } });
    checkResponse(res, BANKING_API.refund, BANKING_API.refund.expected, hasId);
    return res.status === REFUNDED ? jsonBody<{ id: string; amount: number }>(res) : null;
  }

  transaction(id: string): Res {
    const res = this.api.call(BANKING_API.transaction, { params: { id } });
    checkResponse(res, BANKING_API.transaction, BANKING_API.transaction.expected, hasId);
    checkSameId(res, BANKING_API.transaction, jsonBody<{ id?: string }>(res)?.id, id);
    return res;
  }

  settlements(date: string): Res {
    const res = this.api.call(BANKING_API.settlements, { query: { date } });
    checkResponse(res, BANKING_API.settlements, BANKING_API.settlements.expected, hasTotals);
    return res;
  }

  batch(operations: BatchOperation[]): Array<{ index: number; status: number; body: unknown }> | null {
    const res = this.api.call(BANKING_API.batch, { body: { operations } });
    checkResponse(res, BANKING_API.batch, BANKING_API.batch.expected, hasResults);
    const results = res.status === BATCHED ? (jsonBody<{ results: Array<{ index: number; status: number; body: unknown }> }>(res)?.results ?? null) : null;
    if (results && results.length !== operations.length) check(res, { [`${endpointName(BANKING_API.batch)} answers every operation`]: () => false });
    return results;
  }

  /** Registers a user; `expected` lets a race accept 201 or 409 as the contract allows. */
  registerUser(body: { name: string; pan: string; email?: string }, expected: readonly number[] = BANKING_API.registerUser.expected): Res {
    const res = this.api.call(BANKING_API.registerUser, { body, expected });
    checkResponse(res, BANKING_API.registerUser, expected);
    return res;
  }

  auditVerify(): AuditVerification | null {
    const res = this.api.call(BANKING_API.auditVerify, { timeout: '60s' });
    checkResponse(res, BANKING_API.auditVerify, BANKING_API.auditVerify.expected, isVerification);
    return res.status === VERIFIED ? jsonBody<AuditVerification>(res) : null;
  }

  stats(): Record<string, number> | null {
    const res = this.api.call(BANKING_API.stats);
    return res.status === successStatus(BANKING_API.stats) ? jsonBody<Record<string, number>>(res) : null;
  }

  raw(): ApiClient {
    return this.api;
  }
}
