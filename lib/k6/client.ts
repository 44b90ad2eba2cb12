// A service's client in k6, derived from its endpoint table (lib/services/client.ts says what it does):
// one ApiClient per service per VU, resolved from the environment once, so setup() probes the same target
// the load is sent to; and on it, `call('<endpoint>', …)` for every row of the table, with no sender or
// check written by hand per endpoint.
import type { Endpoint } from '../endpoints.ts';
import type { CallOptions, ClientCall, ResultOf, ServiceClient } from '../services/client.ts';
import { resolveTargets, type Service, type Target } from '../services/define.ts';
import { ApiClient, checkResponse, checkSameId, jsonBody, responseCheck, type Res, type Sender } from './http.ts';
import { expectRefusal } from './refusals.ts';

const clients = new Map<Service, { target: Target; client: ApiClient }>();

function entry(s: Service) {
  let e = clients.get(s);
  if (!e) {
    const target = resolveTargets([s], __ENV)[0]!; // throws, naming every missing or bad variable
    e = { target, client: new ApiClient(target.url, target.credential) };
    clients.set(s, e);
  }
  return e;
}

/** The service's HTTP client, for calls that build their own options; throws a ConfigError naming the variable when its URL or credential is missing. */
export function serviceClient(s: Service): ApiClient {
  return entry(s).client;
}

/** Where a service's requests go and with what credential. */
export function serviceTarget(s: Service): Target {
  return entry(s).target;
}

/** One endpoint's common call, compiled on first use (ApiClient.sender, responseCheck). */
interface Compiled {
  endpoint: Endpoint;
  /** Null when the path has more than one parameter: those calls go through ApiClient.call. */
  send: Sender | null;
  /** The path's one parameter, if any. */
  param: string | undefined;
  check: (res: Res) => boolean;
  /** Senders for other expected statuses (a decline's 402), by status list. */
  others: Map<string, Sender>;
  /** The same, by the caller's list itself (a module constant): no key built per call. */
  byList: WeakMap<readonly number[], Sender>;
}

const NONE: ClientCall = {};

// The sender covers what the user classes send on every iteration; anything more (headers, tags, a
// timeout, another token, a raw body) goes through ApiClient.call, which reads every option.
const compiledOnly = (o: CallOptions) => o.rawBody === undefined && o.headers === undefined && o.token === undefined && o.tags === undefined && o.timeout === undefined;

class DerivedClient<E extends Record<string, Endpoint>> implements ServiceClient<E> {
  private readonly compiled: Record<string, Compiled> = {};
  private readonly api: ApiClient;
  /** The last exchange's verdict: kept here rather than returned in a new object per request. */
  private passed = false;

  constructor(readonly service: Service<E>) {
    this.api = serviceClient(service);
  }

  private compile(name: string): Compiled {
    let c = this.compiled[name];
    if (c) return c;
    const endpoint = this.service.endpoints[name];
    if (endpoint === undefined) throw new Error(`the ${this.service.name} service has no endpoint '${name}'`);
    const params = endpoint.path.match(/\{[^}]+\}/g) ?? [];
    c = {
      endpoint,
      send: params.length <= 1 ? this.api.sender(endpoint) : null,
      param: params[0]?.slice(1, -1),
      check: responseCheck(endpoint, endpoint.expected, endpoint.shape),
      others: new Map(),
      byList: new WeakMap(),
    };
    return (this.compiled[name] = c);
  }

  private exchange(name: string, opts: ClientCall): Res {
    const c = this.compile(name);
    const e = c.endpoint;
    const expected = opts.expected;
    let res: Res;
    if (c.send !== null && compiledOnly(opts)) {
      let send: Sender | undefined = c.send;
      if (expected !== undefined) {
        send = c.byList.get(expected);
        if (!send) {
          const key = expected.join('|');
          send = c.others.get(key);
          if (!send) c.others.set(key, (send = this.api.sender(e, expected)));
          c.byList.set(expected, send);
        }
      }
      res = send(c.param === undefined ? undefined : opts.params?.[c.param], opts.body, opts.idempotencyKey || undefined, opts.query);
    } else res = this.api.call(e, opts);
    // The row's shape is a success's: a call expecting other statuses checks a body only with its own shape.
    let passed: boolean;
    if (expected === undefined && opts.shape === undefined) passed = c.check(res);
    else passed = checkResponse(res, e, expected ?? e.expected, expected === undefined ? (opts.shape ?? e.shape) : opts.shape);
    this.passed = passed;
    if (passed && e.sameId !== undefined) {
      const want = opts.params?.[e.sameId];
      if (want !== undefined) checkSameId(e, String(jsonBody<{ id?: unknown }>(res)?.id), want);
    }
    return res;
  }

  call<K extends keyof E & string>(name: K, opts: ClientCall = NONE): ResultOf<E[K]> | null {
    const res = this.exchange(name, opts);
    return this.passed ? (jsonBody(res) as ResultOf<E[K]>) : null;
  }

  request<K extends keyof E & string>(name: K, opts: ClientCall = NONE): Res {
    return this.exchange(name, opts);
  }

  refused<K extends keyof E & string>(name: K, opts: CallOptions, status: number, code: string, label: string): boolean {
    return expectRefusal(this.api, this.compile(name).endpoint, opts, status, code, label);
  }

  send<K extends keyof E & string>(name: K, opts: CallOptions = NONE): Res {
    return this.api.call(this.compile(name).endpoint, opts);
  }
}

const derived = new Map<Service, ServiceClient>();

/** The service's client derived from its endpoint table, one per service per VU. */
export function clientOf<E extends Record<string, Endpoint>>(s: Service<E>): ServiceClient<E> {
  let c = derived.get(s);
  if (!c) derived.set(s, (c = new DerivedClient(s) as unknown as ServiceClient));
  return c as unknown as ServiceClient<E>;
}
