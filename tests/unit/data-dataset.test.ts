// Generated and built-in datasets: uniqueness, referential integrity, distributions, determinism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDataset } from '../../lib/data/generate.ts';
import { builtinDataset, BUILTIN_SIZES } from '../../lib/data/builtin.ts';
import { DatasetValidator, validateDataset } from '../../lib/data/validate.ts';
import { csvHeader, csvRow, RecordLineReader, type Format } from '../../cli/data/formats.ts';
import { isLuhnValid } from '../../lib/data/luhn.ts';
import { isValidPan } from '../../lib/data/pan.ts';
import { indexOfId } from '../../lib/data/ids.ts';
import type { Dataset, EntityName } from '../../lib/data/types.ts';

const AS_OF = '2026-01-01';
const big: Dataset = generateDataset({ seed: 42, customers: 100_000, merchants: 200, transactions: 100_000, asOf: AS_OF });

function assertUnique(values: readonly string[], what: string): void {
  assert.equal(new Set(values).size, values.length, `duplicate ${what}`);
}

test('100k customers: no duplicate PANs, emails, account numbers, card numbers (exact sets)', () => {
  assert.equal(big.customers.length, 100_000);
  assertUnique(big.customers.map((c) => c.pan), 'PANs');
  assertUnique(big.customers.map((c) => c.email), 'emails');
  assertUnique(big.accounts.map((a) => a.accountNumber), 'account numbers');
  assertUnique(big.cards.map((c) => c.number), 'card numbers');
  for (const c of big.customers) assert.ok(isValidPan(c.pan, c.lastName), c.pan);
  for (const c of big.cards) assert.ok(isLuhnValid(c.number), c.number);
});

test('100k customers: every reference resolves (independent check) and the validator agrees', () => {
  const ids = (list: readonly { id: string }[]) => new Set(list.map((r) => r.id));
  const customers = ids(big.customers);
  const accounts = new Map(big.accounts.map((a) => [a.id, a]));
  const banks = new Map(big.banks.map((b) => [b.id, b]));
  const cards = ids(big.cards);
  for (const c of big.customers) {
    for (const a of c.accountIds) assert.equal(accounts.get(a)?.customerId, c.id);
    for (const k of c.cardIds) assert.ok(cards.has(k));
  }
  for (const a of big.accounts) {
    assert.ok(customers.has(a.customerId));
    const bank = banks.get(a.bankId);
    assert.ok(bank);
    assert.equal(bank.kind === 'foreign', a.kind === 'travel');
    assert.equal(big.accounts[indexOfId(a.id)], a, 'ids are positional');
  }
  for (const c of big.cards) assert.equal(accounts.get(c.accountId)?.customerId, c.customerId);
  for (const t of big.transactions) {
    const from = accounts.get(t.fromAccountId);
    const to = accounts.get(t.toAccountId);
    assert.ok(from && to, t.id);
    assert.equal(from.customerId, t.customerId);
    if (t.kind === 'travel') assert.ok(to.kind === 'travel' && to.customerId === from.customerId);
    else assert.ok(to.kind !== 'travel' && to.customerId !== from.customerId);
  }
  const report = validateDataset(big);
  assert.deepEqual(report.issues, []);
  assert.ok(report.ok);
});

test('accounts per customer: 1-3 domestic, mean 1.8 within 4 sigma (±0.0086 at 100k)', () => {
  // Per customer: 1, 2 or 3 with p = .35/.50/.15 → mean 1.8, sd 0.678; sd of the mean at n=100k is 0.00214.
  let domestic = 0;
  let travel = 0;
  for (const c of big.customers) {
    const own = c.accountIds.map((id) => big.accounts[indexOfId(id)]!);
    const d = own.filter((a) => a.kind !== 'travel').length;
    assert.ok(d >= 1 && d <= 3);
    domestic += d;
    travel += own.length - d;
  }
  const mean = domestic / big.customers.length;
  assert.ok(Math.abs(mean - 1.8) <= 4 * 0.00214, `mean ${mean}`);
  const travelShare = travel / big.customers.length;
  assert.ok(Math.abs(travelShare - 0.2) < 0.01, `travel accounts ${travelShare}`);
});

test('transactions: 80/20 domestic/travel, timestamps ordered, amount bands 60/30/9/1 within 4 sigma', () => {
  const n = big.transactions.length;
  const travel = big.transactions.filter((t) => t.kind === 'travel').length;
  assert.ok(Math.abs(travel - 0.2 * n) <= 4 * Math.sqrt(n * 0.2 * 0.8), `travel ${travel}`);
  const bands: Record<string, number> = {};
  let last = -1;
  for (const t of big.transactions) {
    bands[t.band] = (bands[t.band] ?? 0) + 1;
    assert.ok(t.offsetMs >= last);
    last = t.offsetMs;
  }
  for (const [name, p] of [['small', 0.6], ['medium', 0.3], ['large', 0.09], ['very_large', 0.01]] as const) {
    assert.ok(Math.abs((bands[name] ?? 0) - n * p) <= 4 * Math.sqrt(n * p * (1 - p)), `${name}: ${bands[name]}`);
  }
});

test('same seed ⇒ identical dataset; different seed ⇒ different', () => {
  const opts = { customers: 2000, merchants: 20, transactions: 2000, asOf: AS_OF };
  const a = JSON.stringify(generateDataset({ seed: 7, ...opts }));
  const b = JSON.stringify(generateDataset({ seed: 7, ...opts }));
  const c = JSON.stringify(generateDataset({ seed: 8, ...opts }));
  assert.equal(a, b);
  assert.notEqual(a, c);
});

test('arrival patterns: steady is evenly spaced, burst is bursty, all keep the mean rate', () => {
  const opts = { seed: 3, customers: 200, merchants: 1, transactions: 5000, asOf: AS_OF, tps: 100 };
  const steady = generateDataset({ ...opts, pattern: 'steady' }).transactions;
  assert.equal(steady[10]!.offsetMs, 100);
  for (const pattern of ['random', 'burst', 'steady'] as const) {
    const tx = generateDataset({ ...opts, pattern }).transactions;
    const span = tx[tx.length - 1]!.offsetMs / 1000;
    assert.ok(span > 40 && span < 60, `${pattern}: 5000 tx at 100/s spans ${span}s`);
    const gaps = tx.slice(1).map((t, i) => t.offsetMs - tx[i]!.offsetMs);
    const cv = Math.sqrt(gaps.reduce((a, g) => a + (g - 10) ** 2, 0) / gaps.length) / 10;
    if (pattern === 'steady') assert.ok(cv < 0.1);
    if (pattern === 'random') assert.ok(cv > 0.8 && cv < 1.2, `random cv ${cv}`);
    if (pattern === 'burst') assert.ok(cv > 2, `burst cv ${cv}`);
  }
});

test('built-in dataset: deterministic per seed, valid, the documented size', () => {
  const a = builtinDataset(42, { asOf: AS_OF });
  assert.equal(JSON.stringify(a), JSON.stringify(builtinDataset(42, { asOf: AS_OF })));
  assert.notEqual(JSON.stringify(a), JSON.stringify(builtinDataset(43, { asOf: AS_OF })));
  assert.equal(a.customers.length, BUILTIN_SIZES.customers);
  assert.equal(a.merchants.length, BUILTIN_SIZES.merchants);
  assert.equal(a.transactions.length, BUILTIN_SIZES.transactions);
  assert.ok(a.cards.length >= a.customers.length);
  const report = validateDataset(a);
  assert.deepEqual(report.issues, []);
});

test('validator reports duplicates, dangling references and bad formats', () => {
  const ds = generateDataset({ seed: 11, customers: 300, merchants: 5, transactions: 300, asOf: AS_OF });
  ds.cards[5]!.number = ds.cards[3]!.number;
  ds.accounts[7]!.customerId = 'cus_99999999';
  ds.customers[2]!.pan = 'RAJP1234K';
  ds.customers[4]!.email = ds.customers[6]!.email;
  ds.transactions[9]!.toAccountId = 'acc_12345678';
  ds.cards[8]!.number = ds.cards[8]!.number.slice(0, -1) + String((Number(ds.cards[8]!.number.slice(-1)) + 1) % 10);
  const report = validateDataset(ds);
  const text = report.issues.map((i) => i.message).join('\n');
  assert.ok(!report.ok);
  for (const expected of ['duplicate card numbers', 'duplicate emails', 'cus_99999999', 'acc_12345678', 'pan: invalid RAJP1234K', 'not a valid card number']) {
    assert.ok(text.includes(expected), `missing "${expected}" in:\n${text}`);
  }
});

/**
 * Feeds `ds` the way `npm run data` validates it: each customer, then its accounts, then its cards,
 * in the order the pristine dataset `layout` has them (so a corrupted reference does not reorder).
 */
function validateInterleaved(ds: Dataset, layout: Dataset = ds, mutate?: (order: Array<[EntityName, unknown]>) => void) {
  const order: Array<[EntityName, unknown]> = [];
  for (const b of ds.banks) order.push(['banks', b]);
  for (const m of ds.merchants) order.push(['merchants', m]);
  let a = 0;
  let c = 0;
  layout.customers.forEach((cu, i) => {
    order.push(['customers', ds.customers[i]]);
    while (a < layout.accounts.length && layout.accounts[a]!.customerId === cu.id) order.push(['accounts', ds.accounts[a++]]);
    while (c < layout.cards.length && layout.cards[c]!.customerId === cu.id) order.push(['cards', ds.cards[c++]]);
  });
  for (const t of ds.transactions) order.push(['transactions', t]);
  mutate?.(order);
  const v = new DatasetValidator({ interleaved: true });
  for (const [e, r] of order) v.add(e, r);
  return v.finish();
}

test('interleaved validation (as the CLI does it) accepts a generated dataset and catches the same faults', () => {
  const ds = generateDataset({ seed: 12, customers: 400, merchants: 5, transactions: 400, asOf: AS_OF });
  const ok = validateInterleaved(ds);
  assert.deepEqual(ok.issues, []);
  assert.deepEqual(ok.summary.counts, validateDataset(ds).summary.counts);
  // The strict (entity-by-entity) validator refuses this order outright.
  assert.throws(() => {
    const v = new DatasetValidator();
    v.add('customers', ds.customers[0]);
    v.add('accounts', ds.accounts[0]);
    v.add('customers', ds.customers[1]);
  }, /feed entities in order/);
  const bad = structuredClone(ds);
  bad.cards[5]!.number = bad.cards[3]!.number;
  bad.accounts[7]!.customerId = 'cus_99999999';
  const text = validateInterleaved(bad, ds).issues.map((i) => i.message).join('\n');
  for (const expected of ['duplicate card numbers', 'cus_99999999']) assert.ok(text.includes(expected), `missing "${expected}" in:\n${text}`);
  // An account fed before the customer it names is an error in interleaved mode.
  const early = validateInterleaved(ds, ds, (order) => {
    const i = order.findIndex(([e]) => e === 'accounts');
    const [acc] = order.splice(i, 1);
    order.splice(i - 1, 0, acc!);
  });
  assert.ok(early.issues.some((i) => i.message.includes('comes after this account')), JSON.stringify(early.issues));
});

test('RecordLineReader rebuilds records from text split at any point, for every format', () => {
  const ds = generateDataset({ seed: 13, customers: 50, merchants: 3, transactions: 0, asOf: AS_OF });
  const texts: Record<Format, string> = {
    json: `[\n${ds.accounts.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`,
    ndjson: ds.accounts.map((r) => JSON.stringify(r) + '\n').join(''),
    csv: csvHeader('accounts') + ds.accounts.map((r) => csvRow('accounts', r)).join(''),
  };
  for (const format of ['json', 'ndjson', 'csv'] as const) {
    for (const size of [1, 7, 100, 1 << 20]) {
      const reader = new RecordLineReader(format, 'accounts', 'test');
      const out: unknown[] = [];
      for (let i = 0; i < texts[format].length; i += size) out.push(...reader.push(texts[format].slice(i, i + size)));
      out.push(...reader.end());
      assert.deepEqual(out, JSON.parse(JSON.stringify(ds.accounts)), `${format}, pieces of ${size}`);
    }
  }
});
