/**
 * SQLite storage (better-sqlite3). One connection shared by both listeners, on the schema of
 * sandbox/schema.ts. All statements are prepared once here. Money is INTEGER minor units, enforced by
 * CHECK constraints; timestamps are ISO-8601 UTC strings (lexicographically ordered).
 */
import Database from 'better-sqlite3';
import { SCHEMA, SCHEMA_VERSION } from './schema.ts';

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

function prepareAll(db: Database.Database) {
  return {
    insertPayment: db.prepare<[string, string, string | null, number, string, string, string, string | null, string]>(
      `INSERT INTO payments (id, merchant_id, customer_id, amount, currency, status, card_brand, card_last4, description, created_at)
       VALUES (?, ?, ?, ?, ?, 'captured', ?, ?, ?, ?)`,
    ),
    getPayment: db.prepare<[string], PaymentRow>('SELECT * FROM payments WHERE id = ?'),
    updatePaymentRefunded: db.prepare<[number, string, string]>(
      'UPDATE payments SET refunded_amount = ?, status = ? WHERE id = ?',
    ),
    listMerchantPayments: db.prepare<[string, number], PaymentRow>(
      'SELECT * FROM payments WHERE merchant_id = ? ORDER BY seq DESC LIMIT ?',
    ),
    listMerchantPaymentsAfter: db.prepare<[string, number, number], PaymentRow>(
      'SELECT * FROM payments WHERE merchant_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ),
    insertPaymentRefund: db.prepare<[string, string, number, string | null, string]>(
      'INSERT INTO payment_refunds (id, payment_id, amount, reason, created_at) VALUES (?, ?, ?, ?, ?)',
    ),

    getIdempotency: db.prepare<[string, string], IdempotencyRow>(
      'SELECT fingerprint, status, body FROM idempotency_keys WHERE scope = ? AND key = ?',
    ),
    insertIdempotency: db.prepare<[string, string, string, number, string, string]>(
      'INSERT INTO idempotency_keys (scope, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    // Only for the no_idempotency_lock switch: the last writer of a key wins instead of a unique violation.
    upsertIdempotency: db.prepare<[string, string, string, number, string, string]>(
      'INSERT OR REPLACE INTO idempotency_keys (scope, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),

    insertAuthorization: db.prepare<[string, string, number, string, string, string, string]>(
      `INSERT INTO authorizations (id, merchant_id, amount, currency, status, card_brand, card_last4, created_at)
       VALUES (?, ?, ?, ?, 'authorized', ?, ?, ?)`,
    ),
    getAuthorization: db.prepare<[string], AuthorizationRow>('SELECT * FROM authorizations WHERE id = ?'),
    // No status condition: the capture checked the status when it read the row, in the same transaction
    // (racy_captures separates the two on purpose).
    captureAuthorization: db.prepare<[number, string, string]>(
      `UPDATE authorizations SET captured_amount = ?, status = 'captured', captured_at = ? WHERE id = ?`,
    ),
    updateAuthorizationRefunded: db.prepare<[number, string, string]>(
      'UPDATE authorizations SET refunded_amount = ?, status = ? WHERE id = ?',
    ),
    insertBankingRefund: db.prepare<[string, string, number, string, string]>(
      'INSERT INTO banking_refunds (id, transaction_id, amount, currency, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    getBankingRefund: db.prepare<[string], BankingRefundRow>('SELECT * FROM banking_refunds WHERE id = ?'),
    settlement: db.prepare<[string, string, string, string], SettlementRow>(
      `SELECT currency,
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

    insertUser: db.prepare<[string, string, string, string | null, string]>(
      'INSERT INTO users (id, name, pan, email, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    insertUserNoUnique: db.prepare<[string, string, string, string | null, string]>(
      'INSERT INTO users_no_unique (id, name, pan, email, created_at) VALUES (?, ?, ?, ?, ?)',
    ),

    insertAudit: db.prepare<[number, string, string, string, string, string, string]>(
      'INSERT INTO audit_log (seq, at, type, entity_id, payload_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    lastAudit: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
    iterateAudit: db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq'),
    getAudit: db.prepare<[number], AuditRow>('SELECT * FROM audit_log WHERE seq = ?'),
    firstAudit: db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq LIMIT 1'),
    tamperAudit: db.prepare<[string, number]>('UPDATE audit_log SET payload_json = ? WHERE seq = ?'),

    // Refunds take their payment's currency; refunds and captures summed from their own rows, so a lost
    // update to a balance column cannot hide money that left.
    currencyTotals: db.prepare<[], CurrencyTotalsRow>(
      `SELECT currency,
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
    stats: db.prepare<[], StatsRow>(
      `SELECT
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
  db: Database.Database;
  stmts: Statements;
  path: string;
  close(): void;
}

export function openDatabase(path: string): SandboxDb {
  const db = new Database(path);
  if (path !== ':memory:' && path !== '') {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new Error(`database ${path} has schema version ${version}, newer than this sandbox (${SCHEMA_VERSION})`);
  }
  db.exec(SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  const stmts = prepareAll(db);
  let closed = false;
  return {
    db,
    stmts,
    path,
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

export function isUniqueViolation(err: unknown, columnHint?: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || e.code !== 'SQLITE_CONSTRAINT_UNIQUE') return false;
  return columnHint === undefined || (typeof e.message === 'string' && e.message.includes(columnHint));
}
