// Idempotency keys for the load: unique within the test is all a key needs, so it is the run's id, the
// VU's id across every instance of a distributed test (k6's idInTest) and a per-VU counter. A seeded
// UUID per request cost about a tenth of the payment user's own work per iteration (docs/peers.md).
import exec from 'k6/execution';

let prefix = '';
let seq = 0;

/** The next key of this VU: `<runId>-<vu>-<n>`. */
export function nextIdempotencyKey(runId: string): string {
  if (prefix === '') prefix = `${runId}-${exec.vu.idInTest}-`;
  seq++;
  return prefix + seq;
}
