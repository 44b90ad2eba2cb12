// What an endpoint is, as the kit knows it: its name, method, path template and the statuses its
// contract answers. Pure: the service tables (lib/services/<name>/service.ts), the k6 HTTP layer and the budgets
// (thresholds/*) all read the same objects, so a renamed path moves its threshold with it.
import type { EndpointBudget } from './budgets.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a request body is sent: JSON, form-encoded with bracket notation (`card[number]=…`), or none. */
export type BodyEncoding = 'json' | 'form' | 'none';

export interface Endpoint {
  method: Method;
  /** Path template; the `name` tag is `${method} ${path}`, never the concrete URL (ids would explode the tag set). */
  path: string;
  /**
   * Statuses that count as success for k6's http_req_failed. The first is the answer a successful
   * call gets (201 for a create), which the clients check for.
   */
  expected: readonly [number, ...number[]];
  /** Default: `json` for POST, PUT and PATCH, `none` for the others. */
  body?: BodyEncoding;
  /**
   * Statuses the contract documents as "come back later" (409, 429 or 503 with a Retry-After header): a
   * call that gets one with a usable Retry-After waits that long and sends again (retryDelay). Only
   * these: an undocumented status is never retried.
   */
  retry?: readonly number[];
  /**
   * What a successful answer's body must be (checked with the status; a long-lived function). A type
   * guard also types the body the derived client returns (lib/services/client.ts ResultOf).
   */
  shape?: (body: unknown) => boolean;
  /** A lookup: the answer's `id` must equal this path parameter, or the call answered somebody else's record. */
  sameId?: string;
}

/**
 * Retry-After as whole seconds >= 1, or null when absent or not a plain integer. (RFC 9110 also
 * allows an HTTP-date; the contract here is delta-seconds, which is what clients can act on exactly.)
 */
export function parseRetryAfter(value: string | string[] | undefined | null): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== 'string' || !/^\s*\d{1,6}\s*$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 ? n : null;
}

/** Retries of one call at most; the answer after the last is judged as it is. */
export const RETRY_LIMIT = 3;
/** A Retry-After longer than this (seconds) is not waited for: that answer is judged as it is. */
export const RETRY_MAX_WAIT_S = 30;

/**
 * Seconds to wait before sending again after `status` on attempt `attempt` (0 = first), or null when
 * the answer stands: not a documented retry status, no usable Retry-After, too long a wait, or retries used up.
 */
export function retryDelay(e: Endpoint, status: number, retryAfter: string | string[] | undefined, attempt: number): number | null {
  if (e.retry === undefined || attempt >= RETRY_LIMIT || !e.retry.includes(status)) return null;
  const wait = parseRetryAfter(retryAfter);
  return wait === null || wait > RETRY_MAX_WAIT_S ? null : wait;
}

/**
 * How setup() tells a target that is down from one that rejects the token, before any load: the health
 * endpoint must answer its success status, and a lookup of an id that cannot exist must answer one of
 * `accepted` (a 404 proves the token was accepted; 401 or 403 that it was not).
 */
export interface ServiceProbes {
  /** Omitted when the API has no cheap unauthenticated read; the auth probe then also tells "down". */
  health?: Endpoint;
  /** Omitted when the API has no lookup by id; a rejected token then shows as the first requests' 401s. */
  auth?: { endpoint: Endpoint; params?: Record<string, string>; accepted: readonly number[] };
}

/** The endpoint's `name` tag, the key of its thresholds. */
export function endpointName(e: Endpoint): string {
  return `${e.method} ${e.path}`;
}

/** How the endpoint's request body is encoded. */
export function bodyEncoding(e: Endpoint): BodyEncoding {
  return e.body ?? (e.method === 'POST' || e.method === 'PUT' || e.method === 'PATCH' ? 'json' : 'none');
}

/** The status a successful call to the endpoint answers. */
export function successStatus(e: Endpoint): number {
  return e.expected[0];
}

/**
 * Per-endpoint budgets keyed by the endpoints' own names, from a table of the same keys as the service's
 * endpoint table: `endpointBudgets(PAYMENT_API, { createPayment: WRITE })`. A key the table does not
 * have is a type error, and no endpoint name is ever typed twice.
 */
export function endpointBudgets<T extends Record<string, Endpoint>>(
  api: T,
  budgets: { [K in keyof T]?: EndpointBudget },
): Record<string, EndpointBudget> {
  const out: Record<string, EndpointBudget> = {};
  for (const key of Object.keys(budgets) as Array<keyof T & string>) {
    const endpoint = api[key];
    if (endpoint === undefined) throw new Error(`no endpoint '${key}' in the table`);
    out[endpointName(endpoint)] = budgets[key] as EndpointBudget;
  }
  return out;
}
