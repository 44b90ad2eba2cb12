/**
 * Idempotency-Key support and the one way a state change runs. The lookup, the state change and the stored
 * response are written in ONE SQLite transaction, and (scope, key) is the table's PRIMARY KEY, so two
 * simultaneous requests with the same key charge once even across processes sharing a file DB (the loser
 * sees the stored row). The racy switches (sandbox/fault-spec.ts) open a gap inside it on purpose.
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

export type Result = { status: number; body: unknown };

/**
 * A state change in two steps: `prepare` reads and validates (throwing ApiError for a refusal) and returns
 * `apply`, which writes. Done together in one transaction the change is exact; a gap between them is the
 * read-modify-write race of the sandbox's racy switches.
 */
export type Prepare = () => () => Result;

function fingerprintOf(request: { path: string; body: unknown }): string {
  return createHash('sha256').update(request.path).update('\n').update(canonicalJson(request.body)).digest('hex');
}

/** The stored outcome for the key, or null; a different body under the same key is 409 idempotency_key_reused. */
function priorOutcome(sdb: SandboxDb, scope: string, key: string, fingerprint: string): Outcome | null {
  const prior = sdb.stmts.getIdempotency.get(scope, key);
  if (!prior) return null;
  if (prior.fingerprint !== fingerprint) {
    throw new ApiError(409, 'idempotency_key_reused', 'Idempotency-Key was already used with a different request body', {
      field: 'Idempotency-Key',
    });
  }
  return { status: prior.status, body: prior.body, replayed: true };
}

/** Runs a step; with a key, a remembered refusal (402) becomes the outcome to store instead of an error. */
function remembering(key: string | undefined, step: () => Result): Result {
  try {
    return step();
  } catch (err) {
    if (key !== undefined && err instanceof ApiError && REMEMBERED.has(err.status)) return { status: err.status, body: err.toBody() };
    throw err;
  }
}

/**
 * Exact (gapMs 0): lookup, prepare, apply and the stored response in ONE immediate transaction, with
 * (scope, key) the PRIMARY KEY. With gapMs > 0 (the racy switches) the lookup and prepare run first, the
 * handler yields for gapMs, then apply runs and the key is upserted: what a service that checks before it
 * inserts, without a lock, does.
 */
export async function runIdempotent(
  sdb: SandboxDb,
  scope: string,
  key: string | undefined,
  request: { path: string; body: unknown },
  prepare: Prepare,
  gapMs = 0,
): Promise<Outcome> {
  const fingerprint = key === undefined ? '' : fingerprintOf(request);
  const store = (result: Result): Outcome => {
    if (key !== undefined) {
      const stmt = gapMs > 0 ? sdb.stmts.upsertIdempotency : sdb.stmts.insertIdempotency;
      stmt.run(scope, key, fingerprint, result.status, JSON.stringify(result.body), nowIso());
    }
    return { ...result, replayed: false };
  };
  if (gapMs <= 0) {
    return sdb.transaction((): Outcome => {
      const prior = key === undefined ? null : priorOutcome(sdb, scope, key, fingerprint);
      return prior ?? store(remembering(key, () => prepare()()));
    });
  }
  const prior = key === undefined ? null : priorOutcome(sdb, scope, key, fingerprint);
  if (prior) return prior;
  let apply: () => Result;
  try {
    apply = prepare();
  } catch (err) {
    return store(remembering(key, () => {
      throw err;
    }));
  }
  await new Promise((resolve) => setTimeout(resolve, gapMs));
  return sdb.transaction((): Outcome => store(remembering(key, apply)));
}

export function sendOutcome(reply: FastifyReply, outcome: Outcome): FastifyReply {
  reply.code(outcome.status);
  if (outcome.replayed) {
    return reply.header('Idempotent-Replayed', 'true').type('application/json; charset=utf-8').send(outcome.body as string);
  }
  return reply.send(outcome.body);
}
