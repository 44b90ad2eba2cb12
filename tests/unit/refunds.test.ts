import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../lib/random.ts';
import { pickRefundable, refundAmount } from '../../lib/refunds.ts';

test('pickRefundable draws only items with something left, uniformly, and undefined when none has', () => {
  const items = [
    { id: 'a', amount: 100, refunded_amount: 100 },
    { id: 'b', amount: 100, refunded_amount: 0 },
    { id: 'c', amount: 100, refunded_amount: 99 },
  ];
  const rng = createRng('refunds');
  const seen = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const p = pickRefundable(rng, items, 'amount', 'refunded_amount')!;
    seen.set(p.id, (seen.get(p.id) ?? 0) + 1);
  }
  assert.equal(seen.get('a'), undefined);
  assert.ok(Math.abs(seen.get('b')! - 1000) < 150 && Math.abs(seen.get('c')! - 1000) < 150, JSON.stringify([...seen]));
  assert.equal(pickRefundable(rng, [items[0]!], 'amount', 'refunded_amount'), undefined);
  assert.equal(pickRefundable(rng, [], 'amount', 'refunded_amount'), undefined);
});

test('pickRefundable draws once: the same choice as picking from a filtered copy', () => {
  const items = Array.from({ length: 20 }, (_, i) => ({ total: 10, done: i % 3 === 0 ? 10 : 0 }));
  const open = items.filter((x) => x.done < x.total);
  for (let seed = 0; seed < 50; seed++) {
    const a = createRng(seed);
    const b = createRng(seed);
    assert.equal(pickRefundable(a, items, 'total', 'done'), open[Math.floor(b() * open.length)]);
    assert.equal(a(), b());
  }
});

test('refundAmount is full or partial, at least 1 and never more than what is left', () => {
  const rng = createRng(7);
  let full = 0;
  for (let i = 0; i < 2000; i++) {
    const left = 1 + Math.floor(rng() * 5000);
    const amount = refundAmount(rng, left);
    assert.ok(amount >= 1 && amount <= left, `${amount} of ${left}`);
    if (amount === left) full++;
  }
  assert.ok(full > 900 && full < 1200, `full refunds: ${full}`);
  assert.equal(refundAmount(() => 0.99, 1), 1);
});
