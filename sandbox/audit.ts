/**
 * Tamper-evident audit log: a hash chain stored in the audit_log table.
 *
 * Each state change appends, inside the same DB transaction as the change itself:
 *   seq, at, type, entity_id, payload_json (canonical JSON), prev_hash, hash
 * where hash = sha256_hex(prev_hash + canonical({seq, at, type, entity_id, payload})).
 * (The hashed record covers every column, not only the payload, so editing any column is detected.)
 * The first row's prev_hash is 64 zeros. verifyAudit() walks the chain and recomputes every hash.
 */
import { createHash } from 'node:crypto';
import type { SandboxDb } from './db.ts';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditType =
  | 'payment.created'
  | 'payment.refunded'
  | 'authorization.created'
  | 'authorization.captured'
  | 'refund.created'
  | 'user.registered';

/** Literal output text on canonicalJson's work stack (never confused with data: JSON.parse makes no class instances). */
class Lit {
  constructor(readonly text: string) {}
}

/**
 * JSON with object keys sorted recursively; no whitespace. Iterative (an explicit work stack), so a
 * deeply nested value costs heap, not call stack: no input depth can make it throw RangeError.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v instanceof Lit) {
      out.push(v.text);
    } else if (v === null || typeof v !== 'object') {
      const s = JSON.stringify(v);
      out.push(s === undefined ? 'null' : s);
    } else if (Array.isArray(v)) {
      out.push('[');
      stack.push(new Lit(']'));
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push(v[i]);
        if (i > 0) stack.push(new Lit(','));
      }
    } else {
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      out.push('{');
      stack.push(new Lit('}'));
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i] as string;
        stack.push(obj[k]);
        stack.push(new Lit(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`));
      }
    }
  }
  return out.join('');
}

function chainHash(prevHash: string, seq: number, at: string, type: string, entityId: string, payloadJson: string): string {
  // payloadJson is already canonical; splice it in verbatim so verification hashes what is stored
  const record = `{"at":${JSON.stringify(at)},"entity_id":${JSON.stringify(entityId)},"payload":${payloadJson},"seq":${seq},"type":${JSON.stringify(type)}}`;
  return createHash('sha256').update(prevHash).update(record).digest('hex');
}

/** Append one entry. Must be called inside the transaction that performs the state change. */
export function appendAudit(sdb: SandboxDb, type: AuditType, entityId: string, payload: unknown, at: string): void {
  const last = sdb.stmts.lastAudit.get();
  const seq = (last?.seq ?? 0) + 1;
  const prev = last?.hash ?? GENESIS_HASH;
  const payloadJson = canonicalJson(payload);
  sdb.stmts.insertAudit.run(seq, at, type, entityId, payloadJson, prev, chainHash(prev, seq, at, type, entityId, payloadJson));
}

export interface AuditVerification {
  valid: boolean;
  entries: number;
  first_invalid_seq: number | null;
}

export function verifyAudit(sdb: SandboxDb): AuditVerification {
  let prev = GENESIS_HASH;
  let entries = 0;
  let firstInvalid: number | null = null;
  for (const row of sdb.stmts.iterateAudit.iterate()) {
    entries++;
    if (firstInvalid !== null) continue;
    let payloadJson: string;
    try {
      // re-canonicalise: a tampered row that is not canonical JSON (or not JSON) is caught too
      payloadJson = canonicalJson(JSON.parse(row.payload_json));
    } catch {
      firstInvalid = row.seq;
      continue;
    }
    const expected = chainHash(prev, row.seq, row.at, row.type, row.entity_id, payloadJson);
    if (row.prev_hash !== prev || row.hash !== expected) firstInvalid = row.seq;
    prev = row.hash;
  }
  return { valid: firstInvalid === null, entries, first_invalid_seq: firstInvalid };
}

/** Test hook: rewrite the payload of one audit row without fixing its hash. Returns the seq, or null if none. */
export function tamperAudit(sdb: SandboxDb, seq: number | undefined): number | null {
  const row = seq === undefined ? sdb.stmts.firstAudit.get() : sdb.stmts.getAudit.get(seq);
  if (!row) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload_json);
  } catch {
    payload = {};
  }
  const tampered =
    payload !== null && typeof payload === 'object' && !Array.isArray(payload)
      ? { ...(payload as Record<string, unknown>), tampered: true }
      : { original: payload, tampered: true };
  sdb.stmts.tamperAudit.run(canonicalJson(tampered), row.seq);
  return row.seq;
}
