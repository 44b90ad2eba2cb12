/**
 * SQLite storage (node:sqlite, built into Node: nothing to install or compile; docs/sqlite.md measures it
 * against better-sqlite3). One connection shared by both listeners, on the schema of sandbox/sql-schema.ts.
 * All statements are prepared once here. Money is INTEGER minor units, enforced by CHECK constraints;
 * timestamps are ISO-8601 UTC strings (lexicographically ordered).
 */
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { SCHEMA, SCHEMA_VERSION } from './sql-schema.ts';

export interface PaymentRow {
  seq: number;
  id: string;
  merchant_id: string;
  customer_id: string | null;
  amount: number;
  currency: string;
  refunded_amount: number;
  status: string;
  card_brand: string;
  card_last4: string;
  description: string | null;
  created_at: string;
}

export interface PaymentRefundRow {
  id: string;
  payment_id: string;
  amount: number;
  reason: string | null;
  created_at: string;
}

export interface AuthorizationRow {
  seq: number;
  id: string;
  merchant_id: string;
  amount: number;
  currency: string;
  captured_amount: number;
  refunded_amount: number;
  status: string;
  card_brand: string;
  card_last4: string;
  created_at: string;
  captured_at: string | null;
}

export interface BankingRefundRow {
  id: string;
  transaction_id: string;
  amount: number;
  currency: string;
  created_at: string;
}

export interface UserRow {
  id: string;
  name: string;
  pan: string;
  email: string | null;
  created_at: string;
}

export interface AuditRow {
  seq: number;
  at: string;
  type: string;
  entity_id: string;
  payload_json: string;
  prev_hash: string;
  hash: string;
}

export interface IdempotencyRow {
  fingerprint: string;
  status: number;
  body: string;
}

export interface StatsRow {
  payments: number;
  refunds: number;
  refunded_amount_total: number;
  users: number;
  authorizations: number;
  captures: number;
  banking_refunds: number;
  audit_entries: number;
}

/** Per-currency money totals for /api/v1/stats (reconciliation to the minor unit). */
export interface CurrencyTotalsRow {
  currency: string;
  payments: number;
  payment_amount: number;
  refunds: number;
  refunded_amount: number;
  authorizations: number;
  authorized_amount: number;
  captures: number;
  captured_amount: number;
  banking_refunds: number;
  banking_refunded_amount: number;
}

export interface SettlementRow {
  currency: string;
  captured_amount: number;
  refunded_amount: number;
  captures: number;
  refunds: number;
}

/**
 * A prepared statement with its parameter and row types; node:sqlite's own are untyped. Rows come back as
 * null-prototype objects, and `changes` is a number because no statement turns on setReadBigInts.
 */
export interface Statement<P extends SQLInputValue[], R> {
  run(...params: P): { changes: number; lastInsertRowid: number };
  get(...params: P): R | undefined;
  all(...params: P): R[];
  iterate(...params: P): IterableIterator<R>;
}

function prepare<P extends SQLInputValue[], R = never>(db: DatabaseSync, sql: string): Statement<P, R> {
  return db.prepare(sql) as unknown as Statement<P, R>;
}

function prepareAll(db: DatabaseSync) {
  return {
    insertPayment: prepare<[string, string, string | null, number, string, string, string, string | null, string]>(
      db, `INSERT INTO payments (id, merchant_id, customer_id, amount, currency, status, card_brand, card_last4, description, created_at)
       VALUES (?, ?, ?, ?, ?, 'captured', ?, ?, ?, ?)`,
    ),
    getPayment: prepare<[string], PaymentRow>(db, 'SELECT * FROM payments WHERE id = ?'),
    updatePaymentRefunded: prepare<[number, string, string]>(
      db, 'UPDATE payments SET refunded_amount = ?, status = ? WHERE id = ?',
    ),
    listMerchantPayments: prepare<[string, number], PaymentRow>(
      db, 'SELECT * FROM payments WHERE merchant_id = ? ORDER BY seq DESC LIMIT ?',
    ),
    listMerchantPaymentsAfter: prepare<[string, number, number], PaymentRow>(
      db, 'SELECT * FROM payments WHERE merchant_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ),
    insertPaymentRefund: prepare<[string, string, number, string | null, string]>(
      db, 'INSERT INTO payment_refunds (id, payment_id, amount, reason, created_at) VALUES (?, ?, ?, ?, ?)',
    ),

    getIdempotency: prepare<[string, string], IdempotencyRow>(
      db, 'SELECT fingerprint, status, body FROM idempotency_keys WHERE scope = ? AND key = ?',
    ),
    insertIdempotency: prepare<[string, string, string, number, string, string]>(
      db, 'INSERT INTO idempotency_keys (scope, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    // Only for the no_idempotency_lock switch: the last writer of a key wins instead of a unique violation.
    upsertIdempotency: prepare<[string, string, string, number, string, string]>(
      db, 'INSERT OR REPLACE INTO idempotency_keys (scope, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),

    insertAuthorization: prepare<[string, string, number, string, string, string, string]>(
      db, `INSERT INTO authorizations (id, merchant_id, amount, currency, status, card_brand, card_last4, created_at)
       VALUES (?, ?, ?, ?, 'authorized', ?, ?, ?)`,
    ),
    getAuthorization: prepare<[string], AuthorizationRow>(db, 'SELECT * FROM authorizations WHERE id = ?'),
    // No status condition: the capture checked the status when it read the row, in the same transaction
    // (racy_captures separates the two on purpose).
    captureAuthorization: prepare<[number, string, string]>(
      db, `UPDATE authorizations SET captured_amount = ?, status = 'captured', captured_at = ? WHERE id = ?`,
    ),
    updateAuthorizationRefunded: prepare<[number, string, string]>(
      db, 'UPDATE authorizations SET refunded_amount = ?, status = ? WHERE id = ?',
    ),
    insertBankingRefund: prepare<[string, string, number, string, string]>(
      db, 'INSERT INTO banking_refunds (id, transaction_id, amount, currency, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    getBankingRefund: prepare<[string], BankingRefundRow>(db, 'SELECT * FROM banking_refunds WHERE id = ?'),
    settlement: prepare<[string, string, string, string], SettlementRow>(
      db, `SELECT currency,
              SUM(captured) AS captured_amount, SUM(refunded) AS refunded_amount,
              SUM(captures) AS captures, SUM(refunds) AS refunds
       FROM (
         SELECT currency, captured_amount AS captured, 0 AS refunded, 1 AS captures, 0 AS refunds
           FROM authorizations WHERE captured_at >= ? AND captured_at < ?
         UNION ALL
         SELECT currency, 0, amount, 0, 1
           FROM banking_refunds WHERE created_at >= ? AND created_at < ?
       )
       GROUP BY currency ORDER BY currency`,
    ),

    insertUser: prepare<[string, string, string, string | null, string]>(
      db, 'INSERT INTO users (id, name, pan, email, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    insertUserNoUnique: prepare<[string, string, string, string | null, string]>(
      db, 'INSERT INTO users_no_unique (id, name, pan, email, created_at) VALUES (?, ?, ?, ?, ?)',
    ),

    insertAudit: prepare<[number, string, string, string, string, string, string]>(
      db, 'INSERT INTO audit_log (seq, at, type, entity_id, payload_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    lastAudit: prepare<[], { seq: number; hash: string }>(db, 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
    iterateAudit: prepare<[], AuditRow>(db, 'SELECT * FROM audit_log ORDER BY seq'),
    getAudit: prepare<[number], AuditRow>(db, 'SELECT * FROM audit_log WHERE seq = ?'),
    firstAudit: prepare<[], AuditRow>(db, 'SELECT * FROM audit_log ORDER BY seq LIMIT 1'),
    tamperAudit: prepare<[string, number]>(db, 'UPDATE audit_log SET payload_json = ? WHERE seq = ?'),

    // Refunds take their payment's currency; refunds and captures summed from their own rows, so a lost
    // update to a balance column cannot hide money that left.
    currencyTotals: prepare<[], CurrencyTotalsRow>(
      db, `SELECT currency,
              SUM(np) AS payments, SUM(ap) AS payment_amount, SUM(nr) AS refunds, SUM(ar) AS refunded_amount,
              SUM(na) AS authorizations, SUM(aa) AS authorized_amount, SUM(nc) AS captures, SUM(ac) AS captured_amount,
              SUM(nb) AS banking_refunds, SUM(ab) AS banking_refunded_amount
       FROM (
         SELECT currency, 1 AS np, amount AS ap, 0 AS nr, 0 AS ar, 0 AS na, 0 AS aa, 0 AS nc, 0 AS ac, 0 AS nb, 0 AS ab FROM payments
         UNION ALL SELECT p.currency, 0, 0, 1, r.amount, 0, 0, 0, 0, 0, 0 FROM payment_refunds r JOIN payments p ON p.id = r.payment_id
         UNION ALL SELECT currency, 0, 0, 0, 0, 1, amount, 0, 0, 0, 0 FROM authorizations
         UNION ALL SELECT currency, 0, 0, 0, 0, 0, 0, 1, captured_amount, 0, 0 FROM authorizations WHERE captured_at IS NOT NULL
         UNION ALL SELECT currency, 0, 0, 0, 0, 0, 0, 0, 0, 1, amount FROM banking_refunds
       )
       GROUP BY currency ORDER BY currency`,
    ),
    stats: prepare<[], StatsRow>(
      db, `SELECT
         (SELECT COUNT(*) FROM payments) AS payments,
         (SELECT COUNT(*) FROM payment_refunds) AS refunds,
         (SELECT COALESCE(SUM(amount), 0) FROM payment_refunds) AS refunded_amount_total,
         (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM users_no_unique) AS users,
         (SELECT COUNT(*) FROM authorizations) AS authorizations,
         (SELECT COUNT(*) FROM authorizations WHERE captured_at IS NOT NULL) AS captures,
         (SELECT COUNT(*) FROM banking_refunds) AS banking_refunds,
         (SELECT COUNT(*) FROM audit_log) AS audit_entries`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareAll>;

export interface SandboxDb {
  db: DatabaseSync;
  stmts: Statements;
  path: string;
  /**
   * Runs fn in one BEGIN IMMEDIATE transaction: committed when fn returns, rolled back when it throws.
   * IMMEDIATE takes the write lock up front, so concurrent writers on a shared file DB wait for each other
   * (busy timeout) instead of failing to upgrade a read lock. A call inside another becomes a savepoint,
   * so its failure undoes only its own writes. fn must be synchronous: an await would let other requests'
   * statements run inside the transaction.
   */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Busy timeout: how long a writer waits for another process's write lock on a shared file DB. */
const BUSY_TIMEOUT_MS = 5000;

function runTransaction<T>(db: DatabaseSync, fn: () => T): T {
  const nested = db.isTransaction;
  db.exec(nested ? 'SAVEPOINT nested' : 'BEGIN IMMEDIATE');
  try {
    const result = fn();
    if (result instanceof Promise) throw new TypeError('a transaction function must be synchronous, not return a promise');
    db.exec(nested ? 'RELEASE nested' : 'COMMIT');
    return result;
  } catch (err) {
    if (nested) db.exec('ROLLBACK TO nested; RELEASE nested');
    else if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

export function openDatabase(path: string): SandboxDb {
  const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
  if (path !== ':memory:' && path !== '') {
    // WAL + NORMAL: a commit is in the WAL file (the OS's cache) before the client hears of it, so a
    // killed process loses nothing acknowledged (tests/sandbox/persistence.test.ts); only a power cut could.
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
  }
  const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new Error(`database ${path} has schema version ${version}, newer than this sandbox (${SCHEMA_VERSION})`);
  }
  db.exec(SCHEMA);
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  const stmts = prepareAll(db);
  let closed = false;
  return {
    db,
    stmts,
    path,
    transaction: (fn) => runTransaction(db, fn),
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

/** SQLite's extended result code for a UNIQUE constraint failure (https://sqlite.org/rescode.html#constraint_unique). */
const SQLITE_CONSTRAINT_UNIQUE = 2067;

export function isUniqueViolation(err: unknown, columnHint?: string): boolean {
  // node:sqlite throws an Error with code 'ERR_SQLITE_ERROR' and SQLite's extended result code in errcode
  const e = err as { code?: unknown; errcode?: unknown; message?: unknown } | null;
  if (!e || e.code !== 'ERR_SQLITE_ERROR' || e.errcode !== SQLITE_CONSTRAINT_UNIQUE) return false;
  return columnHint === undefined || (typeof e.message === 'string' && e.message.includes(columnHint));
}
