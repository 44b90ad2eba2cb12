// From a parsed spec and the generator's options to what the kit's files say: the endpoint table (body
// encoding, expected statuses), the probes, the auth scheme, one call per operation with its values, and
// which ids flow from which create to which call. Pure; cli/openapi/emit.ts writes it out as TypeScript.
import { camel, isPlural, operationKey, RESERVED, resourceOf, segments, singular, snake, upperSnake, words } from './names.ts';
import type { Operation, ParsedSpec, Schema } from './parse.ts';
import { authOf, bodyEncoding, budgetOf, createdResource, hasParams, linkedResource, paramValue, successes, upper, type Auth, type BodyKind, type BudgetKind, type Method } from './rules.ts';
import { effective, fromExample, generate, isUniqueName, type Value, type ValueContext } from './values.ts';

export type { Auth, BudgetKind, Method } from './rules.ts';

export interface EndpointModel {
  key: string;
  method: Method;
  path: string;
  expected: number[];
  /** Only when it differs from the kit's default (json for POST/PUT/PATCH, none otherwise). */
  body?: BodyKind;
  /** Documented 409/429/503 answers with Retry-After: retried after the wait they name (lib/k6/http.ts). */
  retry?: number[];
  summary?: string;
  budget: BudgetKind;
}

/** An id a call needs: made for it (`create`, state-changing calls) or one this VU made earlier (`reuse`, reads). */
export interface Dependency {
  resource: string;
  producer: string;
  mode: 'create' | 'reuse';
}

export interface CallModel {
  key: string;
  deps: Dependency[];
  params: Array<[string, Value]>;
  query: Array<[string, Value]>;
  headers: Array<[string, Value]>;
  body?: Value;
  /** A create: the resource whose id it keeps for later calls. */
  produces?: string;
  /** The answer's top-level field that holds the created id (`id` unless a link says otherwise). */
  idField: string;
  /** The success answer has a string `id`: checked as the body's shape. */
  checksId: boolean;
  notes: string[];
}

export interface ProbeModel {
  endpoint: EndpointModel;
  /** The probe's endpoint is one of the table's (else it is written out where the probes are). */
  inTable: boolean;
  params?: Record<string, string>;
}

export interface ServiceModel {
  name: string;
  /** ACME: the service's constant and its variables' prefix. */
  constName: string;
  /** acme: the user class name, snake_case. */
  className: string;
  /** acme as camelCase: acmeUser, acmeBudget. */
  ident: string;
  title: string;
  version: string;
  urlVar: string;
  defaultUrl?: string;
  auth: Auth;
  endpoints: EndpointModel[];
  health?: ProbeModel;
  authProbe?: ProbeModel;
  calls: CallModel[];
  /** One per chosen operation, weight 10 each. */
  tasks: Array<{ name: string; key: string }>;
  /** Resource name -> the per-VU state field that keeps its ids. */
  stateFields: Array<{ resource: string; field: string }>;
  notes: string[];
}

export interface ModelOptions {
  name: string;
  tag?: string;
  operations?: string[];
  baseUrl?: string;
}

export const NAME_RULE = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;
const PROBE_ID = 'probe_id_that_does_not_exist';
const SKIPPED_HEADERS = /^(authorization|content-type|accept|content-length|host|user-agent)$/i;

/** Each operation's key: its operationId as camelCase, else one derived from method and path; unique, not reserved. */
export function operationKeys(ops: readonly Operation[]): Map<Operation, string> {
  const keys = new Map<Operation, string>();
  const taken = new Set<string>();
  for (const op of ops) {
    let key = op.operationId ? camel(op.operationId) : operationKey(op.method, op.path);
    if (RESERVED.has(key)) key += 'Op';
    let unique = key;
    for (let i = 2; taken.has(unique); i++) unique = `${key}${i}`;
    taken.add(unique);
    keys.set(op, unique);
  }
  return keys;
}

/** The operations --tag and --operations choose; an unknown tag or operation is refused with what is known. */
export function chooseOperations(spec: ParsedSpec, opts: Pick<ModelOptions, 'tag' | 'operations'>, keys = operationKeys(spec.operations)): Operation[] {
  const key = (op: Operation) => keys.get(op) as string;
  let chosen = spec.operations.filter((op) => opts.tag === undefined || op.tags.includes(opts.tag));
  if (opts.tag !== undefined && chosen.length === 0) {
    const tags = [...new Set(spec.operations.flatMap((o) => o.tags))];
    throw new Error(`no operation has tag '${opts.tag}' (tags: ${tags.join(', ') || 'none'})`);
  }
  if (opts.operations && opts.operations.length > 0) {
    const wanted = opts.operations;
    const known = (id: string) => chosen.find((op) => op.operationId === id || key(op) === id);
    const unknown = wanted.filter((id) => !known(id));
    if (unknown.length > 0) {
      const names = chosen.map((o) => o.operationId ?? key(o));
      const shown = names.length > 40 ? `${names.slice(0, 40).join(', ')}, ... (--list shows all ${names.length})` : names.join(', ');
      throw new Error(`unknown operation ${unknown.join(', ')}; known: ${shown}`);
    }
    chosen = chosen.filter((op) => wanted.some((id) => op.operationId === id || key(op) === id));
  }
  if (chosen.length === 0) throw new Error('the spec has no operations');
  return chosen;
}

/** The model needs these operations' schemas (creates it calls): load them (parse.ts loadDetails) and build again. */
export class MissingDetails extends Error {
  constructor(readonly operations: Operation[]) {
    super(`details of ${operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).join(', ')} are not loaded`);
  }
}

/** The server the chosen operations share (operation, path or document level), or why there is none. */
function sharedServer(chosen: readonly Operation[], keyOf: (op: Operation) => string): string | undefined {
  const http = (op: Operation) => op.servers.filter((u) => /^https?:\/\//.test(u));
  const withServers = chosen.filter((op) => http(op).length > 0);
  if (withServers.length === 0) return undefined;
  const common = http(withServers[0] as Operation).filter((u) => withServers.every((op) => http(op).includes(u)));
  if (common.length > 0) return common[0];
  const byServer = new Map<string, string[]>();
  for (const op of withServers) {
    const first = http(op)[0] as string;
    byServer.set(first, [...(byServer.get(first) ?? []), keyOf(op)]);
  }
  throw new Error(
    `the chosen operations are served from different servers (${[...byServer].map(([u, ks]) => `${u}: ${ks.join(', ')}`).join('; ')}): ` +
      'generate one service per server (--tag or --operations), or pass --base-url',
  );
}

export function buildModel(spec: ParsedSpec, opts: ModelOptions): ServiceModel {
  if (!NAME_RULE.test(opts.name)) throw new Error(`--name '${opts.name}' must be lower case letters and digits, words joined by - or _ (e.g. acme, my-pay)`);
  const prefix = upperSnake(opts.name);
  const notes: string[] = [];

  const keys = operationKeys(spec.operations);
  const key = (op: Operation) => keys.get(op) as string;
  const chosen = chooseOperations(spec, opts, keys);
  const defaultUrl = opts.baseUrl ?? sharedServer(chosen, key);
  // Probes and creates must be served where the chosen operations are.
  const served = (op: Operation) => defaultUrl === undefined || opts.baseUrl !== undefined || op.servers.length === 0 || op.servers.includes(defaultUrl);
  // Schemas are read only for the operations called: the chosen ones and the creates they need.
  const missing = new Set<Operation>();

  // Producers: creates (POST to a collection) and the sources of `links`. Of two creates of one resource
  // the chosen one wins, then the one with fewer path parameters.
  const producerOf = new Map<string, Operation>();
  const collectionOf = new Map<Operation, string>();
  const rank = (op: Operation) => (chosen.includes(op) ? 0 : 100) + (op.path.match(/\{/g) ?? []).length;
  for (const op of spec.operations) {
    const r = createdResource(op, spec.operations);
    if (r === undefined || !served(op)) continue;
    collectionOf.set(op, r);
    const seen = producerOf.get(r);
    if (!seen || rank(seen) > rank(op)) producerOf.set(r, op);
  }
  // A link names the parameter of one operation; the operations on the same path share it.
  const linked = new Map<string, string>(); // `${path}:${param}` -> resource
  const idFieldOf = new Map<Operation, string>();
  for (const op of spec.operations) {
    if (!served(op)) continue;
    for (const link of op.links) {
      const target = spec.operations.find((o) => o.operationId === link.operationId);
      if (!target) continue;
      const r = collectionOf.get(op) ?? linkedResource(key(op));
      if (!producerOf.has(r)) producerOf.set(r, op);
      for (const [param, expr] of Object.entries(link.parameters)) {
        // Ids read from a top-level field of the answer's body; other expressions are not followed.
        const field = /^\$response\.body#\/([^/]+)$/.exec(expr)?.[1];
        if (field === undefined) continue;
        linked.set(`${target.path}:${param}`, r);
        idFieldOf.set(op, field.replace(/~1/g, '/').replace(/~0/g, '~'));
      }
    }
  }
  const resources = new Set(producerOf.keys());

  /** The resource a path parameter refers to: by link, by the collection it follows, or by its name. */
  function paramResource(op: Operation, param: string): string | undefined {
    const byLink = linked.get(`${op.path}:${param}`);
    if (byLink) return byLink;
    const prefixPath = op.path.slice(0, op.path.indexOf(`/{${param}}`));
    const byPath = [...producerOf.entries()].find(([, p]) => p.path === prefixPath)?.[0];
    if (byPath) return byPath;
    const byName = resourceOf(param);
    if (resources.has(byName)) return byName;
    const before = segments(prefixPath).pop();
    const byOwner = before?.literal ? singular(snake(before.text)) : undefined;
    return byOwner && resources.has(byOwner) ? byOwner : undefined;
  }

  const calls = new Map<Operation, CallModel>();
  const building = new Set<Operation>();
  function callFor(op: Operation): CallModel {
    const done = calls.get(op);
    if (done) return done;
    if (!op.detailed) missing.add(op);
    building.add(op);
    const self = [...producerOf.entries()].find(([, p]) => p === op)?.[0] ?? collectionOf.get(op);
    const ctx: ValueContext = { resources: new Set([...resources].filter((r) => r !== self && !building.has(producerOf.get(r) as Operation))), notes: [] };
    if (self !== undefined) ctx.self = self;
    const needed = new Set<string>();
    const params: Array<[string, Value]> = [];
    const query: Array<[string, Value]> = [];
    const headers: Array<[string, Value]> = [];
    for (const p of op.parameters) {
      if (p.in === 'path') {
        const r = paramResource(op, p.name);
        if (r !== undefined && ctx.resources.has(r)) {
          params.push([p.name, { kind: 'id', resource: r }]);
          needed.add(r);
        } else {
          if (p.example === undefined && p.schema.example === undefined && p.schema.default === undefined) {
            ctx.notes.push(`{${p.name}} has no example and no create in the spec makes one: set a value that exists`);
          }
          params.push([p.name, paramValue(p, ctx)]);
        }
      } else if (p.in === 'query' && (p.required || p.example !== undefined)) query.push([p.name, paramValue(p, ctx)]);
      else if (p.in === 'header' && !SKIPPED_HEADERS.test(p.name) && (p.required || isUniqueName(p.name))) headers.push([p.name, paramValue(p, ctx)]);
    }
    let body: Value | undefined;
    const rb = op.requestBody;
    if (rb) body = rb.example !== undefined ? fromExample(rb.example, rb.schema, '', ctx) : generate(rb.schema, '', ctx);
    const collect = (v: Value | undefined): void => {
      if (!v) return;
      if (v.kind === 'id') needed.add(v.resource);
      else if (v.kind === 'object') v.props.forEach(([, x]) => collect(x));
      else if (v.kind === 'array') v.items.forEach(collect);
    };
    collect(body);
    for (const [, v] of [...query, ...headers]) collect(v);
    const deps: Dependency[] = [...needed].map((resource) => {
      const producer = producerOf.get(resource) as Operation;
      callFor(producer);
      return { resource, producer: key(producer), mode: op.method === 'get' ? 'reuse' : 'create' };
    });
    const success = effective(op.successSchema ?? {});
    const idSchema = (success.properties as Record<string, Schema> | undefined)?.id;
    const idField = idFieldOf.get(op) ?? 'id';
    const call: CallModel = { key: key(op), deps, params, query, headers, idField, checksId: idField === 'id' && !!idSchema && effective(idSchema).type === 'string' && effective(idSchema).writeOnly !== true, notes: ctx.notes };
    if (body) call.body = body;
    if (self !== undefined && producerOf.get(self) === op) call.produces = self;
    building.delete(op);
    calls.set(op, call);
    return call;
  }
  for (const op of chosen) callFor(op);
  if (missing.size > 0) throw new MissingDetails([...missing]);

  const endpointOf = (op: Operation): EndpointModel => {
    let expected = successes(op);
    if (expected.length === 0) {
      expected = [op.method === 'post' ? 201 : 200];
      notes.push(`${upper(op.method)} ${op.path} documents no 2xx answer: expecting ${expected[0]}`);
    }
    const e: EndpointModel = { key: key(op), method: upper(op.method), path: op.path, expected, budget: budgetOf(op) };
    const enc = bodyEncoding(op);
    if (enc !== undefined) e.body = enc;
    if (op.retry.length > 0) e.retry = [...op.retry];
    if (op.summary) e.summary = op.summary.split('\n')[0] as string;
    return e;
  };
  // The table: the chosen operations, then the creates they call (in the spec's order).
  const inTable = spec.operations.filter((op) => calls.has(op));
  const ordered = [...chosen, ...inTable.filter((op) => !chosen.includes(op))];
  const endpoints = ordered.map(endpointOf);

  const preferred = [...chosen, ...spec.operations.filter((op) => !chosen.includes(op) && served(op))];
  const probe = (op: Operation | undefined, params?: Record<string, string>): ProbeModel | undefined => {
    if (!op) return undefined;
    const m: ProbeModel = { endpoint: endpointOf(op), inTable: calls.has(op) };
    if (params) m.params = params;
    return m;
  };
  const gets = preferred.filter((op) => op.method === 'get' && successes(op).length > 0);
  const healthOp =
    gets.find((op) => /^\/(health|healthz)$/.test(op.path)) ??
    gets.find((op) => !hasParams(op.path) && !op.parameters.some((p) => p.required && p.in !== 'header'));
  const authOp = gets.find((op) => (op.path.match(/\{[^}]+\}/g) ?? []).length === 1 && op.statuses.includes('404'));
  const authParam = authOp?.parameters.find((p) => p.in === 'path')?.name ?? /\{([^}]+)\}/.exec(authOp?.path ?? '')?.[1];
  if (!healthOp) notes.push('no GET without path parameters to probe health with: setup() checks only auth');

  const auth = authOf(spec, chosen, prefix, notes);
  const stateFields = [...new Set([...calls.values()].map((c) => c.produces).filter((r): r is string => r !== undefined))].map((resource) => {
    const coll = segments(producerOf.get(resource)?.path ?? '').pop();
    return { resource, field: camel(coll?.literal && isPlural(snake(coll.text).split('_').pop() ?? '') ? coll.text : `${resource} ids`) };
  });
  for (const c of calls.values()) notes.push(...c.notes.map((n) => `${c.key}: ${n}`));

  const model: ServiceModel = {
    name: opts.name,
    constName: prefix,
    className: snake(opts.name),
    ident: camel(opts.name),
    title: spec.title,
    version: spec.version,
    urlVar: `${prefix}_URL`,
    auth,
    endpoints,
    calls: ordered.map((op) => calls.get(op) as CallModel),
    tasks: chosen.map((op) => ({ name: words(key(op)).join('_'), key: key(op) })),
    stateFields,
    notes,
  };
  if (defaultUrl !== undefined) model.defaultUrl = defaultUrl.replace(/\/+$/, '');
  const health = probe(healthOp);
  if (health) model.health = health;
  const authProbe = probe(authOp, authParam ? { [authParam]: PROBE_ID } : undefined);
  if (authProbe) model.authProbe = authProbe;
  return model;
}
