// The generator under test for bench/soak-memory.ts: one GET per iteration against the counting target,
// a check, a business counter and a few tagged thresholds, as a scenario has. Plain k6 JavaScript (not
// bundled): what is measured is k6's memory per request, not the kit's code.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const hits = new Counter('bench_hits');
const url = `${__ENV.TARGET_URL}/hit`;

export const options = {
  discardResponseBodies: true,
  scenarios: {
    load: {
      executor: 'shared-iterations',
      vus: Number(__ENV.VUS || 20),
      iterations: Number(__ENV.REQUESTS || 1000000),
      maxDuration: '4h',
    },
  },
  thresholds: {
    http_req_duration: ['p(95)<1000', 'p(99)<2000'],
    'http_req_duration{name:hit}': ['p(95)<1000'],
    http_req_failed: ['rate<0.01'],
    'http_reqs{name:hit}': ['count>0'],
    checks: ['rate>0.99'],
    bench_hits: ['count>0'],
  },
};

export default function () {
  const res = http.get(url, { tags: { name: 'hit' } });
  check(res, { 'status is 200': (r) => r.status === 200 });
  hits.add(1);
}
