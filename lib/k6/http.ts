// Thin k6 adapter for JSON APIs: one place that attaches auth, the endpoint's name tag and its
// expected statuses to every request, so scenario code cannot forget them.
import { check } from 'k6';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Endpoint {
  method: Method;
  /** Path template; the `name` tag is `${method} ${path}`, never the concrete URL (ids would explode the tag set). */
  path: string;
  /** Statuses that count as success for k6's http_req_failed (e.g. 402 for a declined test card). */
  expected: readonly number[];
}

export function endpointName(e: Endpoint): string {
  return `${e.method} ${e.path}`;
}

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  body?: unknown;
  /** Send this exact text as the body (malformed JSON tests). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Override the endpoint's expected statuses for one call (the failure user expects 4xx). */
  expected?: readonly number[];
  /** null sends no Authorization header; a string replaces the configured token. */
  token?: string | null;
  tags?: Record<string, string>;
  timeout?: string;
}

export type Res = RefinedResponse<ResponseType | undefined>;

export class ApiClient {
  private readonly callbacks = new Map<string, ReturnType<typeof http.expectedStatuses>>();

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly defaultTimeout = '10s',
  ) {}

  private callback(statuses: readonly number[]) {
    const key = statuses.join(',');
    let cb = this.callbacks.get(key);
    if (!cb) {
      cb = http.expectedStatuses(...statuses);
      this.callbacks.set(key, cb);
    }
    return cb;
  }

  call(endpoint: Endpoint, opts: CallOptions = {}): Res {
    let path = endpoint.path;
    for (const [k, v] of Object.entries(opts.params ?? {})) path = path.replace(`{${k}}`, encodeURIComponent(v));
    if (opts.query) {
      const qs = Object.entries(opts.query)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&');
      if (qs) path += `?${qs}`;
    }
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? this.token : opts.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    let body: string | null = null;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== null) headers['Content-Type'] = 'application/json';
    return http.request(endpoint.method, this.baseUrl + path, body, {
      headers,
      tags: { name: endpointName(endpoint), ...(opts.tags ?? {}) },
      responseCallback: this.callback(opts.expected ?? endpoint.expected),
      timeout: opts.timeout ?? this.defaultTimeout,
    });
  }
}

// The last response parsed and its result: a client's body-shape check and its caller read the same
// response, so the body is parsed once, not twice (JSON.parse is one of the larger per-request costs in k6).
let lastRes: Res | null = null;
let lastParsed: unknown = null;

/** Parsed JSON body, or null when the body is absent or not JSON (never throws). */
export function jsonBody<T = Record<string, unknown>>(res: Res): T | null {
  if (res === lastRes) return lastParsed as T | null;
  const body = res.body;
  let parsed: unknown = null;
  if (typeof body === 'string' && body.length > 0) {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = null;
    }
  }
  lastRes = res;
  lastParsed = parsed;
  return parsed as T | null;
}

export type Shape = (body: unknown) => boolean;

// The check sets, built once per (endpoint, statuses, shape): building a fresh object of named
// closures for every request was a measurable share of k6's CPU (docs/efficiency.md).
const checkSets = new Map<string, Map<Shape | undefined, Record<string, (r: Res) => boolean>>>();

/**
 * Checks a response's status against `want` and, when the status is one of them, its body's shape.
 * Check names carry the endpoint's name tag, so the report groups them the way the API is laid out.
 * `shape` must be a long-lived function (module level), not a per-call closure.
 */
export function checkResponse(res: Res, e: Endpoint, want: readonly number[], shape?: Shape): boolean {
  const key = `${endpointName(e)} ${want.join('|')}`;
  let byShape = checkSets.get(key);
  if (!byShape) checkSets.set(key, (byShape = new Map()));
  let set = byShape.get(shape);
  if (!set) {
    set = { [`${endpointName(e)} status ${want.join('|')}`]: (r) => want.includes(r.status) };
    if (shape) set[`${endpointName(e)} body shape`] = (r) => !want.includes(r.status) || shape(jsonBody(r));
    byShape.set(shape, set);
  }
  return check(res, set);
}

/** A lookup answered 200 with somebody else's record: rare, so the check is recorded only then. */
export function checkSameId(res: Res, name: string, got: string | undefined, want: string): void {
  if (res.status === 200 && got !== want) check(res, { [`${name} returns the requested record`]: () => false });
}
