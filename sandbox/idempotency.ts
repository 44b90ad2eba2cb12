/**
 * Idempotency-Key support. The lookup, the state change and the stored response are written in ONE
 * SQLite transaction, and (scope, key) is the table's PRIMARY KEY, so two simultaneous requests with
 * the same key charge once even across processes sharing a file DB (the loser sees the stored row).
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson } from './audit.ts';
import type { SandboxDb } from './db.ts';
import { ApiError } from './errors.ts';
import { nowIso } from './ids.ts';

export interface Outcome {
  status: number;
  /** object for fresh results, pre-serialised JSON for replays */
  body: unknown;
  replayed: boolean;
}

export function readIdempotencyKey(req: FastifyRequest): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
    throw new ApiError(422, 'validation_failed', 'Idempotency-Key must be 1..255 characters', { field: 'Idempotency-Key' });
  }
  return key;
}

/** Statuses whose results are remembered for a key (business outcomes, not request errors). */
const REMEMBERED = new Set([200, 201, 402]);

export function runIdempotent(
  sdb: SandboxDb,
  scope: string,
  key: string | undefined,
  request: { path: string; body: unknown },
  work: () => { status: number; body: unknown },
): Outcome {
  const tx = sdb.db.transaction((): Outcome => {
    let fingerprint = '';
    if (key !== undefined) {
      fingerprint = createHash('sha256').update(request.path).update('\n').update(canonicalJson(request.body)).digest('hex');
      const prior = sdb.stmts.getIdempotency.get(scope, key);
      if (prior) {
        if (prior.fingerprint !== fingerprint) {
          throw new ApiError(409, 'idempotency_key_reused', 'Idempotency-Key was already used with a different request body', {
            field: 'Idempotency-Key',
          });
        }
        return { status: prior.status, body: prior.body, replayed: true };
      }
    }
    let result: { status: number; body: unknown };
    try {
      result = work();
    } catch (err) {
      if (key !== undefined && err instanceof ApiError && REMEMBERED.has(err.status)) {
        result = { status: err.status, body: err.toBody() };
      } else throw err;
    }
    if (key !== undefined) {
      sdb.stmts.insertIdempotency.run(scope, key, fingerprint, result.status, JSON.stringify(result.body), nowIso());
    }
    return { ...result, replayed: false };
  });
  // IMMEDIATE: take the write lock up front, so concurrent writers on a shared file DB serialise cleanly
  return tx.immediate();
}

export function sendOutcome(reply: FastifyReply, outcome: Outcome): FastifyReply {
  reply.code(outcome.status);
  if (outcome.replayed) {
    return reply.header('Idempotent-Replayed', 'true').type('application/json; charset=utf-8').send(outcome.body as string);
  }
  return reply.send(outcome.body);
}
