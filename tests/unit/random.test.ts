import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChoiceRng, createRng, pickWeighted, randomInt, seededUuid } from '../../lib/random.ts';

test('the same seed gives the same sequence; another seed differs', () => {
  const a = createRng(42);
  const b = createRng('42');
  const c = createRng(43);
  const sa = Array.from({ length: 100 }, a);
  assert.deepEqual(sa, Array.from({ length: 100 }, b));
  assert.notDeepEqual(sa, Array.from({ length: 100 }, c));
  for (const x of sa) assert.ok(x >= 0 && x < 1);
});

test('pickWeighted honours 70/10/15/3/2 within 4 binomial standard errors over 200k draws', () => {
  const items = [
    { name: 'a', weight: 70 },
    { name: 'b', weight: 10 },
    { name: 'c', weight: 15 },
    { name: 'd', weight: 3 },
    { name: 'e', weight: 2 },
  ];
  const rng = createRng(7);
  const n = 200_000;
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const it = pickWeighted(rng, items);
    counts.set(it.name, (counts.get(it.name) ?? 0) + 1);
  }
  for (const it of items) {
    const p = it.weight / 100;
    const se = Math.sqrt((p * (1 - p)) / n);
    const share = (counts.get(it.name) ?? 0) / n;
    assert.ok(Math.abs(share - p) < 4 * se, `${it.name}: ${share} vs ${p} (se ${se})`);
  }
});

test('pickWeighted never picks zero weights and rejects bad weights', () => {
  const rng = createRng(1);
  const items = [{ weight: 0, n: 'zero' }, { weight: 1, n: 'one' }];
  for (let i = 0; i < 1000; i++) assert.equal(pickWeighted(rng, items).n, 'one');
  assert.throws(() => pickWeighted(rng, [{ weight: 0 }]), /sum to zero/);
  assert.throws(() => pickWeighted(rng, [{ weight: -1 }]), /weight must be/);
  assert.throws(() => pickWeighted(rng, [{ weight: NaN }]), /weight must be/);
});

test('randomInt is inclusive and seededUuid is v4-shaped and unique', () => {
  const rng = createRng(3);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) seen.add(randomInt(rng, 1, 6));
  assert.deepEqual([...seen].sort(), [1, 2, 3, 4, 5, 6]);
  const ids = new Set(Array.from({ length: 10_000 }, () => seededUuid(rng)));
  assert.equal(ids.size, 10_000);
  for (const id of [...ids].slice(0, 50)) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('createChoiceRng: a seed replays its sequence, another seed differs, every draw is in (0, 1)', () => {
  const a = createChoiceRng('7:payment:1');
  const sa = Array.from({ length: 1000 }, a);
  assert.deepEqual(sa, Array.from({ length: 1000 }, createChoiceRng('7:payment:1')));
  assert.notDeepEqual(sa, Array.from({ length: 1000 }, createChoiceRng('7:payment:2')));
  for (const x of sa) assert.ok(x > 0 && x < 1, String(x));
});

/** Chi-square statistic of `draws` over `bins` equal bins of [0, 1). */
function chiSquare(draws: number[], bins: number): number {
  const counts = new Array<number>(bins).fill(0);
  for (const x of draws) counts[Math.floor(x * bins)]!++;
  const want = draws.length / bins;
  return counts.reduce((s, c) => s + (c - want) ** 2 / want, 0);
}

test('createChoiceRng is uniform within a VU and across the first draws of consecutive VUs', () => {
  // 19 degrees of freedom: P(chi-square > 43.8) = 0.001, so these fail only if the draws are not uniform.
  const rng = createChoiceRng('7:payment:3');
  assert.ok(chiSquare(Array.from({ length: 200_000 }, rng), 20) < 43.8);
  for (const draw of [0, 1, 2]) {
    const firsts = Array.from({ length: 4000 }, (_, vu) => {
      const r = createChoiceRng(`7:payment:${vu + 1}`);
      for (let i = 0; i < draw; i++) r();
      return r();
    });
    assert.ok(chiSquare(firsts, 20) < 43.8, `draw ${draw + 1} of consecutive VUs`);
  }
  // Successive pairs fill the unit square evenly (10 x 10 cells, 99 degrees of freedom, P(> 148.2) = 0.001).
  const cells = new Array<number>(100).fill(0);
  const pairs = 200_000;
  for (let i = 0; i < pairs; i++) cells[Math.floor(rng() * 10) * 10 + Math.floor(rng() * 10)]!++;
  const want = pairs / 100;
  assert.ok(cells.reduce((s, c) => s + (c - want) ** 2 / want, 0) < 148.2);
});
