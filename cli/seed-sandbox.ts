// Loads a generated dataset (npm run data) into a sandbox database file, so a test starts from a
// realistic state: customers become registered users (their PANs now taken), transactions become
// captured card payments at the dataset's merchants, each with its audit-chain entry.
//   npm run data:seed -- --data data/ --db sandbox.db        then: SANDBOX_DB=sandbox.db npm run sandbox
//   npm run data:seed -- --db sandbox.db --clean             removes what a seed loaded
// The whole load is one SQLite transaction written in batches: any failure (a PAN already registered,
// a broken reference) rolls everything back, so a database is either seeded completely or not at all.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { indexOfId } from '../lib/data/ids.ts';
import type { Card, Customer, Merchant, Transaction } from '../lib/data/types.ts';
import { appendAudit } from '../sandbox/audit.ts';
import { openDatabase, type SandboxDb } from '../sandbox/db.ts';

/** Seeded rows carry this id prefix, so --clean can find them and nothing else. */
export const SEED_PREFIX = { user: 'usr_seed_', payment: 'pay_seed_' } as const;

export interface SeedArgs {
  data: string | null;
  db: string;
  batch: number;
  clean: boolean;
  payments: boolean;
}

const USAGE = 'usage: npm run data:seed -- --data DIR --db FILE [--batch 5000] [--no-payments]\n       npm run data:seed -- --db FILE --clean';

export function parseSeedArgs(argv: string[]): SeedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        db: { type: 'string', default: '' },
        batch: { type: 'string', default: '5000' },
        clean: { type: 'boolean', default: false },
        'no-payments': { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  const args: SeedArgs = {
    data: values.data ?? null,
    db: values.db,
    batch: Number(values.batch),
    clean: values.clean,
    payments: !values['no-payments'],
  };
  if (!Number.isInteger(args.batch) || args.batch < 1) throw new Error(`--batch must be a positive integer, got '${values.batch}'`);
  if (!args.db) throw new Error(`--db is required: the sandbox database file (what SANDBOX_DB points at)\n${USAGE}`);
  if (args.db === ':memory:') throw new Error('--db must be a file: an in-memory database would vanish when this command exits');
  if (!args.clean) {
    if (!args.data) throw new Error(`--data is required: a directory written by 'npm run data'\n${USAGE}`);
    if (!existsSync(join(args.data, 'manifest.json'))) {
      throw new Error(`--data ${args.data} has no manifest.json: not a complete dataset (run 'npm run data -- --out ${args.data}')`);
    }
  }
  return args;
}

function readJson<T>(dir: string, name: string): T[] {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as T[];
}

export interface SeedResult {
  users: number;
  payments: number;
  seconds: number;
}

/** Loads the dataset in one transaction; throws (after rollback) on the first failure. */
export function seedDatabase(sdb: SandboxDb, dataDir: string, opts: { batch: number; payments: boolean; onProgress?: (done: number, total: number) => void }): SeedResult {
  const started = process.hrtime.bigint();
  const customers = readJson<Customer>(dataDir, 'customers');
  const cards = opts.payments ? readJson<Card>(dataDir, 'cards') : [];
  const merchants = opts.payments ? readJson<Merchant>(dataDir, 'merchants') : [];
  const transactions = opts.payments ? readJson<Transaction>(dataDir, 'transactions') : [];
  const total = customers.length + transactions.length;
  const at = new Date().toISOString();
  let done = 0;

  sdb.transaction(() => {
    for (let i = 0; i < customers.length; i++) {
      const c = customers[i]!;
      const id = SEED_PREFIX.user + c.id;
      sdb.stmts.insertUser.run(id, c.fullName, c.pan, c.email, at);
      appendAudit(sdb, 'user.registered', id, { id, name: c.fullName, pan: c.pan, email: c.email, created_at: at }, at);
      if (++done % opts.batch === 0) opts.onProgress?.(done, total);
    }
    for (let i = 0; i < transactions.length; i++) {
      const t = transactions[i]!;
      const customer = customers[indexOfId(t.customerId)];
      const cardId = customer?.cardIds[0];
      const card = cardId === undefined ? undefined : cards[indexOfId(cardId)];
      if (!customer || !card) throw new Error(`transaction ${t.id} refers to a customer or card the dataset does not have`);
      // The dataset's transfers carry no merchant: spread them over the merchants by transaction index.
      const merchant = merchants[i % merchants.length]!;
      const id = SEED_PREFIX.payment + t.id;
      sdb.stmts.insertPayment.run(id, merchant.id, customer.id, t.amount, t.currency, card.brand, card.number.slice(-4), null, t.timestamp);
      appendAudit(sdb, 'payment.created', id, { id, merchant_id: merchant.id, amount: t.amount, currency: t.currency }, t.timestamp);
      if (++done % opts.batch === 0) opts.onProgress?.(done, total);
    }
  });
  return { users: customers.length, payments: transactions.length, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Removes seeded users and payments (and refunds of seeded payments). The audit log is append-only and keeps their history. */
export function cleanDatabase(sdb: SandboxDb): { users: number; payments: number } {
  return sdb.transaction(() => {
    sdb.db.prepare(`DELETE FROM payment_refunds WHERE payment_id LIKE '${SEED_PREFIX.payment}%'`).run();
    const payments = Number(sdb.db.prepare(`DELETE FROM payments WHERE id LIKE '${SEED_PREFIX.payment}%'`).run().changes);
    const users = Number(sdb.db.prepare(`DELETE FROM users WHERE id LIKE '${SEED_PREFIX.user}%'`).run().changes);
    return { users, payments };
  });
}

function main(): number {
  let args: SeedArgs;
  try {
    args = parseSeedArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const sdb = openDatabase(args.db);
  try {
    if (args.clean) {
      const r = cleanDatabase(sdb);
      console.log(`removed ${r.users} seeded users and ${r.payments} seeded payments from ${args.db}`);
      return 0;
    }
    const r = seedDatabase(sdb, args.data!, {
      batch: args.batch,
      payments: args.payments,
      // A progress line on a terminal only; logs and CI get the one summary line below.
      onProgress: process.stderr.isTTY
        ? (done, total) => process.stderr.write(`  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} rows\r`)
        : undefined,
    });
    const rate = Math.round((r.users + r.payments) / r.seconds);
    console.log(`seeded ${args.db}: ${r.users} users, ${r.payments} payments in ${r.seconds.toFixed(2)} s (${rate} rows/s)`);
    return 0;
  } catch (err) {
    console.error(`seeding failed and was rolled back; ${args.db} is unchanged: ${(err as Error).message}`);
    return 1;
  } finally {
    sdb.close();
  }
}

if (process.argv[1]?.endsWith('seed-sandbox.ts')) process.exit(main());
