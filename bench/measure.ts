// What the benches share: the CPU a process tree used, read from /proc (Linux; the reader is cli/cpu.ts,
// which runs also use for the load generator's CPU), and the median of a sample.
// Used by bench/peers (the load generator's tree) and bench/sqlite (the sandbox process).
export { TICK_MS, treeTicks } from '../cli/cpu.ts';

/** Median of the finite values (NaN when there are none). */
export const median = (xs: number[]): number => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  return v.length === 0 ? NaN : v.length % 2 ? (v[(v.length - 1) / 2] as number) : ((v[v.length / 2 - 1] as number) + (v[v.length / 2] as number)) / 2;
};
