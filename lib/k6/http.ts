// Thin k6 adapter for HTTP APIs: one place that attaches the service's credential, encodes the body as
// the endpoint declares (JSON, form or none), and sets the endpoint's name tag and expected statuses on
// every request, so scenario code cannot forget them.
import { check, sleep } from 'k6';
import encoding from 'k6/encoding';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';

import { bodyEncoding, endpointName, RETRY_LIMIT, retryDelay, type BodyEncoding, type Endpoint } from '../endpoints.ts';
import { encodeForm } from '../form.ts';
import { exampleLine, FAILED_RESPONSES, FAILURE_TAG, failureTag } from '../report/page/failures.ts';
import type { Answer, CallOptions, Shape } from '../services/client.ts';
import type { Credential } from '../services/define.ts';
import { retries } from './metrics.ts';

export { endpointName, type Endpoint } from '../endpoints.ts';
export type { CallOptions, Shape } from '../services/client.ts';

export type Res = RefinedResponse<ResponseType | undefined>;

interface Params {
  headers: Record<string, string>;
  tags: Record<string, string>;
  responseCallback: ReturnType<typeof http.expectedStatuses>;
  timeout: string;
}

// What a request to an endpoint needs that does not change between calls, worked out once per endpoint:
// in k6's interpreter, re-deriving the name tag, splitting the path template and joining status lists on
// every request cost more than sending it (docs/efficiency.md).
interface Prepared {
  name: string;
  tags: { name: string };
  encoding: BodyEncoding;
  /** The path template split at its `{param}`s: literal, param name, literal, ... */
  parts: string[];
  /** A caller's long-lived tag object merged with the name tag, per tag object. */
  merged: WeakMap<Record<string, string>, Record<string, string>>;
  checks: Map<string, Map<Shape | undefined, (res: Res) => boolean>>;
}

interface Verdict {
  status: boolean;
  shape: boolean;
}

const verdict: Verdict = { status: false, shape: false };

const prepared = new WeakMap<Endpoint, Prepared>();

function prepare(e: Endpoint): Prepared {
  let p = prepared.get(e);
  if (!p) {
    const name = endpointName(e);
    p = { name, tags: { name }, encoding: bodyEncoding(e), parts: e.path.split(/\{([^}]+)\}/), checks: new Map(), merged: new WeakMap() };
    prepared.set(e, p);
  }
  return p;
}

const NO_OPTIONS: CallOptions = {};

function mergeTags(p: Prepared, tags: Record<string, string>): Record<string, string> {
  let merged = p.merged.get(tags);
  if (!merged) p.merged.set(tags, (merged = { name: p.name, ...tags }));
  return merged;
}

function statusKey(statuses: readonly number[]): string {
  return statuses.length === 1 ? String(statuses[0]) : statuses.join('|');
}

// A raw body sent to an endpoint that declares none (malformed-input tests) goes as JSON.
const CONTENT_TYPE: Record<BodyEncoding, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  none: 'application/json',
};

/** The header that carries a credential, as [name, value]; null for none. */
export function authHeader(c: Credential): [string, string] | null {
  switch (c.kind) {
    case 'bearer':
      return ['Authorization', `Bearer ${c.token}`];
    case 'basic':
      return ['Authorization', `Basic ${encoding.b64encode(`${c.user}:${c.password}`)}`];
    case 'header':
      return [c.header, c.token];
    case 'none':
      return null;
  }
}

export class ApiClient {
  private readonly callbacks = new Map<string, ReturnType<typeof http.expectedStatuses>>();
  /** The common call's request params, per endpoint and expected statuses (commonParams). */
  private readonly common = new Map<Endpoint, Map<string, CommonParams>>();
  private readonly auth: [string, string] | null;

  constructor(
    private readonly baseUrl: string,
    private readonly credential: Credential,
    private readonly defaultTimeout = '10s',
  ) {
    this.auth = authHeader(credential);
  }

  /** The credential header with another token in it (the failure user's wrong token). */
  private authWith(token: string | null): [string, string] | null {
    if (token === null) return null;
    const c = this.credential;
    return authHeader(c.kind === 'basic' ? { ...c, user: token } : c.kind === 'header' ? { ...c, token } : { kind: 'bearer', token });
  }

  private callback(statuses: readonly number[]) {
    const key = statusKey(statuses);
    let cb = this.callbacks.get(key);
    if (!cb) {
      cb = http.expectedStatuses(...statuses);
      this.callbacks.set(key, cb);
    }
    return cb;
  }

  /**
   * Request params of the common call to `endpoint` expecting `expected` (the configured credential, no
   * extra headers, tags or timeout), per [body sent][Idempotency-Key], each made once on first use and
   * then reused: building them per request was a measurable share of k6's CPU (docs/peers.md). The
   * Content-Type goes with a body only; the key is written into the reused headers by the caller (a VU
   * sends one request at a time).
   */
  private commonParams(endpoint: Endpoint, expected: readonly number[]): CommonParams {
    let byExpected = this.common.get(endpoint);
    if (!byExpected) this.common.set(endpoint, (byExpected = new Map()));
    const key = statusKey(expected);
    let get = byExpected.get(key);
    if (!get) {
      const p = prepare(endpoint);
      const slots: Array<Params | undefined> = [undefined, undefined, undefined, undefined];
      get = (withBody, keyed) => {
        const i = (withBody ? 2 : 0) + (keyed ? 1 : 0);
        let made = slots[i];
        if (!made) {
          const headers: Record<string, string> = {};
          if (this.auth !== null) headers[this.auth[0]] = this.auth[1];
          if (withBody) headers['Content-Type'] = CONTENT_TYPE[p.encoding];
          made = slots[i] = { headers, tags: p.tags, responseCallback: this.callback(expected), timeout: this.defaultTimeout };
        }
        return made;
      };
      byExpected.set(key, get);
    }
    return get;
  }

  call(endpoint: Endpoint, opts: CallOptions = NO_OPTIONS): Res {
    const p = prepare(endpoint);
    let path = endpoint.path;
    if (p.parts.length > 1) {
      path = p.parts[0] as string;
      for (let i = 1; i < p.parts.length; i += 2) {
        const key = p.parts[i] as string;
        const value = opts.params?.[key];
        path += (value === undefined ? `{${key}}` : encodeURIComponent(value)) + p.parts[i + 1];
      }
    }
    if (opts.query) {
      const qs = queryString(opts.query);
      if (qs) path += `?${qs}`;
    }
    let body: string | null = null;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined && p.encoding !== 'none') {
      body = p.encoding === 'form' ? encodeForm(opts.body as Record<string, unknown>) : JSON.stringify(opts.body);
    }
    const expected = opts.expected ?? endpoint.expected;
    let params: Params;
    if (opts.headers === undefined && opts.token === undefined && opts.tags === undefined && opts.timeout === undefined) {
      params = this.commonParams(endpoint, expected)(body !== null, opts.idempotencyKey !== undefined);
    } else {
      const headers: Record<string, string> = {};
      const auth = opts.token === undefined ? this.auth : this.authWith(opts.token);
      if (auth !== null) headers[auth[0]] = auth[1];
      if (body !== null) headers['Content-Type'] = CONTENT_TYPE[p.encoding];
      if (opts.headers) for (const k in opts.headers) headers[k] = opts.headers[k] as string;
      params = {
        headers,
        tags: opts.tags ? mergeTags(p, opts.tags) : p.tags,
        responseCallback: this.callback(expected),
        timeout: opts.timeout ?? this.defaultTimeout,
      };
    }
    if (opts.idempotencyKey !== undefined) params.headers['Idempotency-Key'] = opts.idempotencyKey;
    const url = this.baseUrl + path;
    // A call that states its own expected statuses judges the answer itself: it is not retried.
    if (endpoint.retry === undefined || opts.expected !== undefined) return http.request(endpoint.method, url, body, params);
    const early = { ...params, responseCallback: this.callback(expected.concat(endpoint.retry)) };
    return withRetries(endpoint, endpoint.retry, p.tags, (last) => http.request(endpoint.method, url, body, last ? params : early));
  }

  /**
   * The common call to one endpoint, compiled: URL parts, body encoding and request params are worked out
   * here, once, so a request reads no options and looks nothing up. For endpoints with at most one path
   * parameter (call() takes any); the derived clients (./client.ts) build theirs on first use.
   */
  sender(endpoint: Endpoint, expected: readonly number[] = endpoint.expected): Sender {
    const p = prepare(endpoint);
    if (p.parts.length > 3) throw new Error(`${p.name}: a sender takes at most one path parameter; use call()`);
    const head = this.baseUrl + p.parts[0];
    const tail = p.parts[2] ?? '';
    const hasParam = p.parts.length === 3;
    const method = endpoint.method;
    const form = p.encoding === 'form';
    const takesBody = p.encoding !== 'none';
    const params = this.commonParams(endpoint, expected);
    // Retried only with the endpoint's own expected statuses (a sender for other statuses judges them itself).
    const retry = expected === endpoint.expected ? endpoint.retry : undefined;
    const early = retry === undefined ? params : this.commonParams(endpoint, expected.concat(retry));
    return (param, body, idempotencyKey, query) => {
      let url = hasParam ? head + encodeURIComponent(param ?? '') + tail : head;
      if (query !== undefined) url += `?${queryString(query)}`;
      const sent = body === undefined || !takesBody ? null : form ? encodeForm(body as Record<string, unknown>) : JSON.stringify(body);
      const ps = params(sent !== null, idempotencyKey !== undefined);
      if (idempotencyKey !== undefined) ps.headers['Idempotency-Key'] = idempotencyKey;
      if (retry === undefined) return http.request(method, url, sent, ps);
      const eps = early(sent !== null, idempotencyKey !== undefined);
      if (idempotencyKey !== undefined) eps.headers['Idempotency-Key'] = idempotencyKey;
      return withRetries(endpoint, retry, p.tags, (last) => http.request(method, url, sent, last ? ps : eps));
    };
  }
}

/**
 * Sends, and while the answer is one of the endpoint's documented retry statuses with a usable
 * Retry-After, waits that long and sends again (at most RETRY_LIMIT times), counting each retry in
 * http_req_retries. Attempts before the last accept the retry statuses in http_req_failed (they are
 * documented answers, not failures); the last attempt is judged by the endpoint's statuses alone, so a
 * retry that never succeeds still fails. A retry status without a usable Retry-After is not retried and
 * fails the call's status check.
 */
function withRetries(e: Endpoint, retry: readonly number[], tags: { name: string }, send: (last: boolean) => Res): Res {
  let res = send(false);
  // The status is compared first: the Retry-After header is read only from an answer that may be retried.
  for (let attempt = 0; retry.includes(res.status); attempt++) {
    const wait = retryDelay(e, res.status, res.headers['Retry-After'], attempt);
    if (wait === null) return res;
    retries.add(1, tags);
    sleep(wait);
    res = send(attempt + 1 >= RETRY_LIMIT);
  }
  return res;
}

/** The common call's params for an endpoint and statuses, by whether a body is sent and an Idempotency-Key. */
type CommonParams = (withBody: boolean, keyed: boolean) => Params;

/** A compiled call to one endpoint (ApiClient.sender): its path parameter, body, Idempotency-Key and query. */
export type Sender = (param?: string, body?: unknown, idempotencyKey?: string, query?: Record<string, string | number>) => Res;

function queryString(query: Record<string, string | number>): string {
  let qs = '';
  for (const k in query) qs += `${qs ? '&' : ''}${encodeURIComponent(k)}=${encodeURIComponent(String(query[k]))}`;
  return qs;
}

// The last response parsed and its result: a client's body-shape check and its caller read the same
// response, so the body is converted once.
let lastRes: Answer | null = null;
let lastParsed: unknown = null;

/**
 * Parsed JSON body, or null when the body is absent or not JSON (never throws).
 * k6's `res.json()` parses in Go, faster than JSON.parse in the VU's interpreter (docs/efficiency.md). Its
 * objects are views of Go maps: reads, writes and JSON.stringify behave as on plain objects, but key
 * order is not the body's, so nothing here may depend on it.
 */
export function jsonBody<T = Record<string, unknown>>(res: Answer): T | null {
  if (res === lastRes) return lastParsed as T | null;
  let parsed: unknown = null;
  try {
    parsed = res.json(); // throws on an absent, empty or non-JSON body
  } catch {
    parsed = null;
  }
  lastRes = res;
  lastParsed = parsed;
  return parsed as T | null;
}

/**
 * Checks a response's status against `want` and, when the status is one of them, its body's shape.
 * Check names carry the endpoint's name tag, so the report groups them the way the API is laid out.
 * The check set is built once per (endpoint, statuses, shape): a fresh object of named closures per
 * request was a measurable share of k6's CPU. `shape` must therefore be a long-lived function (module
 * level), not a per-call closure.
 */
export function checkResponse(res: Res, e: Endpoint, want: readonly number[], shape?: Shape): boolean {
  const p = prepare(e);
  const key = statusKey(want);
  let byShape = p.checks.get(key);
  if (!byShape) p.checks.set(key, (byShape = new Map()));
  let judge = byShape.get(shape);
  if (!judge) byShape.set(shape, (judge = responseCheck(e, want, shape)));
  return judge(res);
}

/**
 * checkResponse for one (endpoint, statuses, shape), compiled: the check set and the status comparison
 * are made here, once, so a typed client's call judges its answer with no lookups (build it at module
 * level or in a constructor, not per call).
 */
export function responseCheck(e: Endpoint, want: readonly number[], shape?: Shape): (res: Res) => boolean {
  const name = endpointName(e);
  const statusName = `${name} status ${statusKey(want)}`;
  const shapeName = `${name} body shape`;
  const set: Record<string, (v: Verdict) => boolean> = { [statusName]: (v) => v.status };
  if (shape) set[shapeName] = (v) => v.shape;
  const only = want.length === 1 ? (want[0] as number) : -1;
  return (res) => {
    // Judged here, once, and handed to check() as its value: the check functions then only read the
    // verdict instead of each reading the response's fields through k6's Go bindings again.
    const ok = only >= 0 ? res.status === only : want.includes(res.status);
    verdict.status = ok;
    verdict.shape = !ok || shape === undefined || shape(jsonBody(res));
    check(verdict, set);
    if (!ok || !verdict.shape) failedResponse(name, ok ? shapeName : statusName, res, !ok);
    return ok && verdict.shape;
  };
}

const failedResponses = new Counter(FAILED_RESPONSES);
const exampled = new Set<string>();

/**
 * Only on a failed check, so a healthy run pays nothing: a count per endpoint and status, and this VU's
 * first failed response of the check as an example for the report page (lib/report/page/failures.ts).
 */
function failedResponse(endpoint: string, checkName: string, res: Res, wrongStatus: boolean): void {
  if (wrongStatus) failedResponses.add(1, { [FAILURE_TAG]: failureTag(endpoint, res.status) });
  if (exampled.has(checkName)) return;
  exampled.add(checkName);
  console.warn(exampleLine(checkName, res.status, typeof res.body === 'string' ? res.body : ''));
}

/**
 * A lookup that passed its checks but answered with somebody else's record: rare, so the check is
 * recorded only then.
 */
export function checkSameId(e: Endpoint, got: string, want: string): void {
  if (got !== want) check(got, { [`${prepare(e).name} returns the requested record`]: () => false });
}
