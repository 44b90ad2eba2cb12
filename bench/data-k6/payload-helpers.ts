// Per-iteration payload from the faker-free helpers (compare with payload-faker.ts).
import exec from 'k6/execution';
import { vuRng } from '../../lib/dataset.ts';
import { seededUuid, pickOne } from '../../lib/random.ts';
import { generateCard } from '../../lib/data/cards.ts';
import { drawAmount } from '../../lib/data/amounts.ts';
import { randomPan } from '../../lib/data/pan.ts';
import { BUILTIN_POOLS } from '../../lib/data/builtin.ts';

export const options = { scenarios: { s: { executor: 'constant-vus', vus: Number(__ENV.VUS ?? 1), duration: __ENV.DURATION ?? '8s' } } };
export function setup() { console.log(`SETUP_AT=${Date.now()}`); }
let rng: (() => number) | undefined;
let sink = 0;
export default function () {
  rng ??= vuRng(42, exec.vu.idInTest);
  const pool = pickOne(rng, BUILTIN_POOLS.locales);
  const last = pickOne(rng, pool.lastNames);
  const payload = {
    id: seededUuid(rng),
    name: `${pickOne(rng, pool.firstNames)} ${last}`,
    pan: randomPan(rng, last),
    card: generateCard(rng),
    amount: drawAmount(rng, { currency: 'USD' }),
    city: pickOne(rng, pool.cities),
  };
  sink += JSON.stringify(payload).length;
}
