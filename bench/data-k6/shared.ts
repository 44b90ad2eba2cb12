// k6 script for bench/data-k6.ts: loads the dataset through lib/dataset.ts (defaults: merchants,
// customers, cards; CSV when the dataset has it, DATA_FORMAT=json forces JSON) and does trivial
// per-iteration work with the cheap seeded helpers. No requests.
import exec from 'k6/execution';
import { sleep } from 'k6';
import { loadDataset, vuRng } from '../../lib/dataset.ts';
import { pickOne } from '../../lib/random.ts';
import { drawAmount } from '../../lib/data/amounts.ts';
import type { Card, Customer } from '../../lib/data/types.ts';

const data = loadDataset();

export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: Number(__ENV.VUS ?? 1), duration: __ENV.DURATION ?? '8s' } },
  summaryTrendStats: ['avg'],
};

export function setup() {
  console.log(`SETUP_AT=${Date.now()} SOURCE=${data.source} FORMATS=${JSON.stringify(data.formats)} CUSTOMERS=${data.customers.length} CARDS=${data.cards.length}`);
}

let rng: (() => number) | undefined;
export default function () {
  rng ??= vuRng(42, exec.vu.idInTest);
  const c = pickOne(rng, data.customers as unknown as readonly Customer[]);
  const card = data.cards[Math.floor(rng() * data.cards.length)] as Card;
  const amount = drawAmount(rng);
  if (!c.pan || c.cardIds.length === 0 || card.expYear < 2000 || amount.amount <= 0) throw new Error('bad data');
  if (__ENV.SLEEP !== '0') sleep(1);
}
