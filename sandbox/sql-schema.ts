/**
 * The sandbox's SQLite schema: tables, uniqueness and the CHECK constraints that keep money in integer
 * minor units whatever the code above them does. sandbox/db.ts opens the database with it.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS payments (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  merchant_id     TEXT NOT NULL CHECK (length(merchant_id) BETWEEN 1 AND 64),
  customer_id     TEXT,
  amount          INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount > 0 AND amount <= 100000000000),
  currency        TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
  refunded_amount INTEGER NOT NULL DEFAULT 0
                  CHECK (typeof(refunded_amount) = 'integer' AND refunded_amount >= 0 AND refunded_amount <= amount),
  status          TEXT NOT NULL CHECK (status IN ('captured', 'partially_refunded', 'refunded')),
  card_brand      TEXT NOT NULL,
  card_last4      TEXT NOT NULL CHECK (length(card_last4) = 4),
  description     TEXT CHECK (description IS NULL OR length(description) <= 255),
  created_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_by_merchant ON payments (merchant_id, seq DESC);

CREATE TABLE IF NOT EXISTS payment_refunds (
  seq        INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  payment_id TEXT NOT NULL REFERENCES payments (id),
  amount     INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount > 0),
  reason     TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS payment_refunds_by_payment ON payment_refunds (payment_id);

CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope       TEXT NOT NULL,
  key         TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  fingerprint TEXT NOT NULL,
  status      INTEGER NOT NULL,
  body        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS authorizations (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  merchant_id     TEXT NOT NULL CHECK (length(merchant_id) BETWEEN 1 AND 64),
  amount          INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount > 0 AND amount <= 100000000000),
  currency        TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
  captured_amount INTEGER NOT NULL DEFAULT 0
                  CHECK (typeof(captured_amount) = 'integer' AND captured_amount >= 0 AND captured_amount <= amount),
  refunded_amount INTEGER NOT NULL DEFAULT 0
                  CHECK (typeof(refunded_amount) = 'integer' AND refunded_amount >= 0 AND refunded_amount <= captured_amount),
  status          TEXT NOT NULL CHECK (status IN ('authorized', 'captured', 'partially_refunded', 'refunded')),
  card_brand      TEXT NOT NULL,
  card_last4      TEXT NOT NULL CHECK (length(card_last4) = 4),
  created_at      TEXT NOT NULL,
  captured_at     TEXT,
  CHECK ((status = 'authorized') = (captured_at IS NULL))
);
CREATE INDEX IF NOT EXISTS authorizations_by_capture_time ON authorizations (captured_at) WHERE captured_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS banking_refunds (
  seq            INTEGER PRIMARY KEY,
  id             TEXT NOT NULL UNIQUE,
  transaction_id TEXT NOT NULL REFERENCES authorizations (id),
  amount         INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount > 0),
  currency       TEXT NOT NULL,
  created_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS banking_refunds_by_time ON banking_refunds (created_at);

CREATE TABLE IF NOT EXISTS users (
  seq        INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  pan        TEXT NOT NULL UNIQUE CHECK (length(pan) = 10),
  email      TEXT,
  created_at TEXT NOT NULL
);

-- Used only while the 'no_unique_pan' fault is on: same shape, deliberately no UNIQUE(pan),
-- so a CI gate that checks PAN uniqueness can be proven to go red.
CREATE TABLE IF NOT EXISTS users_no_unique (
  seq        INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  pan        TEXT NOT NULL,
  email      TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_log (
  seq          INTEGER PRIMARY KEY,
  at           TEXT NOT NULL,
  type         TEXT NOT NULL,
  entity_id    TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  prev_hash    TEXT NOT NULL CHECK (length(prev_hash) = 64),
  hash         TEXT NOT NULL CHECK (length(hash) = 64)
);
`;
