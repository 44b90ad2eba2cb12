/** sandbox/db.ts on node:sqlite: the transaction helper and unique-violation detection, on the real driver. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUniqueViolation, openDatabase, type SandboxDb } from '../../sandbox/db.ts';

const count = (sdb: SandboxDb) => (sdb.db.prepare("SELECT COUNT(*) AS n FROM users WHERE id LIKE 'usr_tx%'").get() as { n: number }).n;
const addUser = (sdb: SandboxDb, n: number) => sdb.stmts.insertUser.run(`usr_tx${n}`, 'Tx', `TXPAN${1000 + n}T`, null, 'now');

test('transaction: commits what fn wrote and returns its value; a throw rolls everything back', () => {
  const sdb = openDatabase(':memory:');
  try {
    assert.equal(sdb.transaction(() => (addUser(sdb, 1), 'done')), 'done');
    assert.equal(count(sdb), 1);
    assert.throws(() => sdb.transaction(() => {
      addUser(sdb, 2);
      throw new Error('refused');
    }), /refused/);
    assert.equal(count(sdb), 1);
    assert.equal(sdb.db.isTransaction, false);
  } finally {
    sdb.close();
  }
});

test('transaction: an inner call is a savepoint, so its failure undoes only its own writes', () => {
  const sdb = openDatabase(':memory:');
  try {
    sdb.transaction(() => {
      addUser(sdb, 1);
      assert.throws(() => sdb.transaction(() => {
        addUser(sdb, 2);
        throw new Error('inner');
      }));
      sdb.transaction(() => addUser(sdb, 3));
    });
    assert.equal(count(sdb), 2);
    assert.equal(sdb.db.isTransaction, false);
  } finally {
    sdb.close();
  }
});

test('transaction: an async function is refused and its writes rolled back', () => {
  const sdb = openDatabase(':memory:');
  try {
    assert.throws(() => sdb.transaction(async () => addUser(sdb, 1)), /must be synchronous/);
    assert.equal(count(sdb), 0);
    assert.equal(sdb.db.isTransaction, false);
  } finally {
    sdb.close();
  }
});

test('isUniqueViolation: SQLite error 2067 with the column named; other constraint failures are not', () => {
  const sdb = openDatabase(':memory:');
  try {
    addUser(sdb, 1);
    const dup = (() => {
      try {
        sdb.stmts.insertUser.run('usr_other', 'Tx', 'TXPAN1001T', null, 'now');
      } catch (err) {
        return err;
      }
      assert.fail('a duplicate PAN was stored');
    })();
    assert.equal((dup as { errcode?: number }).errcode, 2067);
    assert.equal(isUniqueViolation(dup), true);
    assert.equal(isUniqueViolation(dup, 'users.pan'), true);
    assert.equal(isUniqueViolation(dup, 'users.email'), false);
    // a CHECK failure (money must be positive) is SQLITE_CONSTRAINT_CHECK, 275
    const check = (() => {
      try {
        sdb.stmts.insertPayment.run('pay_x', 'merch_1', null, -1, 'USD', 'visa', '4242', null, 'now');
      } catch (err) {
        return err;
      }
      assert.fail('a negative amount was stored');
    })();
    assert.equal((check as { errcode?: number }).errcode, 275);
    assert.equal(isUniqueViolation(check), false);
    assert.equal(isUniqueViolation(new Error('UNIQUE constraint failed: users.pan')), false);
    assert.equal(isUniqueViolation(null), false);
  } finally {
    sdb.close();
  }
});
