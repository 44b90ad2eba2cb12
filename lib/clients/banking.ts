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
import { ApiClient, checkResponse, checkSameId, jsonBody, responseCheck, type Res, type Sender } from '../k6/http.ts';

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

// What success looks like for the calls off the hot path, read from the table once.
const VERIFIED = successStatus(BANKING_API.auditVerify);
const DECLINED = [BANKING_STATUS.declined] as const;

// Each answer's checks, compiled once (lib/k6/http.ts responseCheck): they pass only with an expected
// status and the body's shape, so an answer that passed is one the caller may use.
const checkHealth = responseCheck(BANKING_API.health, BANKING_API.health.expected, isOk);
const checkAuthorized = responseCheck(BANKING_API.authorize, BANKING_API.authorize.expected, isAuthorized);
const checkDeclined = responseCheck(BANKING_API.authorize, DECLINED);
const checkCaptured = responseCheck(BANKING_API.capture, BANKING_API.capture.expected, isCaptured);
const checkRefunded = responseCheck(BANKING_API.refund, BANKING_API.refund.expected, hasId);
const checkTransaction = responseCheck(BANKING_API.transaction, BANKING_API.transaction.expected, hasId);
const checkSettlements = responseCheck(BANKING_API.settlements, BANKING_API.settlements.expected, hasTotals);
const checkBatch = responseCheck(BANKING_API.batch, BANKING_API.batch.expected, hasResults);

export class BankingClient {
  private readonly api: ApiClient;
  // The calls the user classes make on every iteration, compiled once per client (ApiClient.sender).
  private readonly send: { [K in 'health' | 'authorize' | 'decline' | 'capture' | 'refund' | 'transaction' | 'settlements' | 'batch']: Sender };

  constructor(api: ApiClient = serviceClient(BANKING_SERVICE)) {
    this.api = api;
    this.send = {
      health: api.sender(BANKING_API.health),
      authorize: api.sender(BANKING_API.authorize),
      decline: api.sender(BANKING_API.authorize, DECLINED),
      capture: api.sender(BANKING_API.capture),
      refund: api.sender(BANKING_API.refund),
      transaction: api.sender(BANKING_API.transaction),
      settlements: api.sender(BANKING_API.settlements),
      batch: api.sender(BANKING_API.batch),
    };
  }

  health(): Res {
    const res = this.send.health();
    checkHealth(res);
    return res;
  }

  authorize(body: AuthorizationRequest, opts: { expectDecline?: boolean } = {}): Authorization | null {
    if (opts.expectDecline) {
      checkDeclined(this.send.decline(undefined, body));
      return null;
    }
    const res = this.send.authorize(undefined, body);
    return checkAuthorized(res) ? (jsonBody(res) as Authorization) : null;
  }

  capture(id: string, amount?: number): Authorization | null {
    const res = this.send.capture(id, amount === undefined ? {} : { amount });
    return checkCaptured(res) ? (jsonBody(res) as Authorization) : null;
  }

  refund(transactionId: string, amount: number): { id: string; amount: number } | null {
    const res = this.send.refund(undefined, { transaction_id: transactionId, amount });
    return checkRefunded(res) ? jsonBody<{ id: string; amount: number }>(res) : null;
  }

  transaction(id: string): Res {
    const res = this.send.transaction(id);
    if (checkTransaction(res)) checkSameId(BANKING_API.transaction, jsonBody<{ id: string }>(res)!.id, id);
    return res;
  }

  settlements(date: string): Res {
    const res = this.send.settlements(undefined, undefined, undefined, { date });
    checkSettlements(res);
    return res;
  }

  batch(operations: BatchOperation[]): Array<{ index: number; status: number; body: unknown }> | null {
    const res = this.send.batch(undefined, { operations });
    const results = checkBatch(res) ? jsonBody<{ results: Array<{ index: number; status: number; body: unknown }> }>(res)!.results : null;
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
