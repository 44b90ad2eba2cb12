// Baseline for bench/data-k6.ts: the same executor and per-iteration sleep as shared.ts, no
// dataset and no project code, to separate k6's own cost per VU from the dataset's.
import { sleep } from 'k6';

export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: Number(__ENV.VUS ?? 1), duration: __ENV.DURATION ?? '8s' } },
  summaryTrendStats: ['avg'],
};

export function setup() {
  console.log(`SETUP_AT=${Date.now()} SOURCE=none CUSTOMERS=0`);
}

export default function () {
  if (__ENV.SLEEP !== '0') sleep(1);
}
