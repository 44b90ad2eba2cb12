// Requests that must be refused: sends one with its expected 4xx and error code, checks both at once and
// counts a 5xx or a 2xx in `unexpected_status`. Shared by every user class that sends bad input on purpose.
import { check } from 'k6';
import { endpointName, jsonBody, type ApiClient, type CallOptions, type Endpoint } from './http.ts';
import { unexpectedStatus } from './metrics.ts';

/** What one kind of bad request must get back, prepared once: its expected status, tags and checks. */
interface Refusal {
  endpoint: Endpoint;
  status: number;
  code: string;
  expected: readonly number[];
  tags: { failure: string };
  /** One check per refusal, on status and error code together (see expectRefusal). */
  checks: Record<string, (right: boolean) => boolean>;
}

// Keyed by label (each label names one endpoint, status and code; a mismatch falls back to a full key).
// Building these per request (a key, a tag object, a check set) cost a sizeable share of k6's CPU in
// the failures scenario (docs/efficiency.md).
const refusals = new Map<string, Refusal>();

function refusal(endpoint: Endpoint, status: number, code: string, label: string): Refusal {
  let r = refusals.get(label);
  if (r && r.endpoint === endpoint && r.status === status && r.code === code) return r;
  const key = `${label} ${endpoint.method} ${endpoint.path} ${status} ${code}`;
  r = refusals.get(key);
  if (!r) {
    const name = endpointName(endpoint);
    r = {
      endpoint,
      status,
      code,
      expected: [status],
      tags: { failure: label },
      checks: { [`${label}: ${name} answers ${status} ${code}`]: (right) => right },
    };
    refusals.set(key, r);
    if (!refusals.has(label)) refusals.set(label, r);
  }
  return r;
}

/**
 * Sends a request that must be refused with `status` and error `code`; returns whether it was.
 * `opts` is the caller's own literal: its `expected` and `tags` are set here rather than copied.
 */
export function expectRefusal(api: ApiClient, endpoint: Endpoint, opts: CallOptions, status: number, code: string, label: string): boolean {
  const r = refusal(endpoint, status, code, label);
  opts.expected = r.expected;
  opts.tags = r.tags;
  const res = api.call(endpoint, opts);
  const got = res.status;
  if ((got >= 200 && got < 300) || got >= 500) unexpectedStatus.add(1, r.tags);
  // One check for status and error code together: a refusal is right only with both, and each check
  // entry is a sample through k6's metrics pipeline (what two per request cost: docs/efficiency.md).
  // Which half was wrong still shows: a wrong status fails http_req_failed (expected statuses) and a
  // 2xx or 5xx counts in unexpected_status, so a failed check with neither means a wrong error code.
  const right = got === status && jsonBody<{ error?: { code?: string } }>(res)?.error?.code === code;
  check(right, r.checks);
  return right;
}
