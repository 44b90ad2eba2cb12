// When transactions arrive: the offsets (ms after the as-of date) the generator stamps on them.
// One seeded sequence per dataset, apart from the per-transaction generators, so changing how a
// transaction is drawn never moves the arrival times. Runtime-neutral.

import { createRng, randomInt } from '../random.ts';
import type { ArrivalPattern } from './types.ts';

/**
 * The arrival clock for `pattern` at a mean of `tps` transactions per second: each call returns
 * the next transaction's offset in whole ms (call once per transaction, in order).
 * - steady: a fixed interval;
 * - random: Poisson arrivals (exponential gaps);
 * - burst: bursts of 5-50 arrivals at 20x the mean rate, with idle gaps between bursts sized so
 *   the long-run rate is still `tps`.
 */
export function arrivalClock(seed: number, pattern: ArrivalPattern, tps: number): () => number {
  const arrival = createRng(`${seed}:arrivals`);
  const meanGapMs = 1000 / tps;
  let j = 0;
  let t = 0;
  let burstLeft = 0;
  return () => {
    if (pattern === 'steady') {
      t = j * meanGapMs;
    } else if (pattern === 'random') {
      t += -Math.log(1 - arrival()) * meanGapMs;
    } else {
      if (burstLeft === 0) {
        burstLeft = randomInt(arrival, 5, 50);
        t += -Math.log(1 - arrival()) * meanGapMs * burstLeft * 0.95;
      }
      t += -Math.log(1 - arrival()) * (meanGapMs / 20);
      burstLeft--;
    }
    j++;
    return Math.round(t);
  };
}
