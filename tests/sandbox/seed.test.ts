// Seeding a generated dataset into the sandbox's database, and cleaning it out again.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { cleanDatabase, parseSeedArgs, seedDatabase } from '../../cli/seed-sandbox.ts';
import type { Customer } from '../../lib/data/types.ts';
import { openDatabase } from '../../sandbox/db.ts';
import { startSandbox } from '../../sandbox/server.ts';
import { AUTH } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'paykit-seed-'));
const dataDir = join(dir, 'data');

before(() => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/data.ts', '--customers', '400', '--merchants', '12', '--seed', '5', '--out', dataDir, '--quiet'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('a seeded database serves the dataset: users, merchant history, a valid audit chain, PANs taken', async () => {
  const dbPath = join(dir, 'seeded.db');
  const sdb = openDatabase(dbPath);
  const result = seedDatabase(sdb, dataDir, { batch: 100, payments: true });
  sdb.close();
  assert.equal(result.users, 400);
  assert.equal(result.payments, 400);

  const sb = await startSandbox({ dbPath });
  try {
    const stats = (await (await fetch(`${sb.paymentUrl}/api/v1/stats`, { headers: AUTH })).json()) as Record<string, number>;
    assert.equal(stats.users, 400);
    assert.equal(stats.payments, 400);
    assert.equal(stats.audit_entries, 800);
    const audit = (await (await fetch(`${sb.bankingUrl}/api/v1/audit/verify`, { headers: AUTH })).json()) as { valid: boolean };
    assert.equal(audit.valid, true);
    const merchants = JSON.parse(readFileSync(join(dataDir, 'merchants.json'), 'utf8')) as Array<{ id: string }>;
    const listing = (await (await fetch(`${sb.paymentUrl}/api/v1/merchants/${merchants[0]!.id}/transactions`, { headers: AUTH })).json()) as { data: unknown[] };
    assert.ok(listing.data.length > 0, 'merchant history was seeded');
    const customers = JSON.parse(readFileSync(join(dataDir, 'customers.json'), 'utf8')) as Customer[];
    const again = await fetch(`${sb.bankingUrl}/api/v1/users`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ name: customers[3]!.fullName, pan: customers[3]!.pan }),
    });
    assert.equal(again.status, 409, 'a seeded PAN is registered');
  } finally {
    await sb.close();
  }
});

test('a failing seed rolls back completely; clean removes only seeded rows', () => {
  const sdb = openDatabase(join(dir, 'rollback.db'));
  try {
    seedDatabase(sdb, dataDir, { batch: 50, payments: true });
    sdb.stmts.insertUser.run('usr_own', 'Own User', 'ABCPK1234F', null, new Date().toISOString());
    const count = (sql: string) => (sdb.db.prepare(sql).get() as { n: number }).n;
    const auditBefore = count('SELECT count(*) AS n FROM audit_log');
    // The same PANs again: the unique constraint fails part-way through, and nothing of this load stays.
    assert.throws(() => seedDatabase(sdb, dataDir, { batch: 50, payments: true }), /UNIQUE constraint failed: users\.pan/);
    assert.equal(count('SELECT count(*) AS n FROM users'), 401);
    assert.equal(count('SELECT count(*) AS n FROM payments'), 400);
    assert.equal(count('SELECT count(*) AS n FROM audit_log'), auditBefore);
    assert.deepEqual(cleanDatabase(sdb), { users: 400, payments: 400 });
    assert.equal(count('SELECT count(*) AS n FROM users'), 1, 'rows not from the seed stay');
  } finally {
    sdb.close();
  }
});

test('seed arguments are checked before anything is written', () => {
  assert.throws(() => parseSeedArgs(['--data', dataDir]), /--db is required/);
  assert.throws(() => parseSeedArgs(['--db', ':memory:', '--data', dataDir]), /must be a file/);
  assert.throws(() => parseSeedArgs(['--db', 'x.db', '--data', dir]), /has no manifest\.json/);
  assert.throws(() => parseSeedArgs(['--db', 'x.db', '--data', dataDir, '--batch', '0']), /--batch must be a positive integer/);
  assert.throws(() => parseSeedArgs(['--db', 'x.db', '--bogus']), /Unknown option '--bogus'/);
  assert.equal(parseSeedArgs(['--db', 'x.db', '--clean']).clean, true);
});
