/**
 * Hostile cases generated from sandbox/openapi.yaml (through tests/sandbox/spec.ts), shared by the
 * hostile-input suite and bench/fuzz-sandbox.ts: a new route or body field is covered without new test code.
 *   - operations(): every documented (service, method, route) with a concrete path and its body schema;
 *   - pathVariant(): encodings of a path that a router might or might not treat as the same route;
 *   - bodyPositions(): every JSON position of a body schema (root, each property, array items, one extra key
 *     per object), with the string positions and their maxLength.
 * Assertions that are the same for every case live here too (checkOutcome), so the bench and the suite agree.
 */
import fc from 'fast-check';
import { spec, type Service } from './spec.ts';

export interface Operation {
  service: Service;
  method: string;
  template: string;
  /** the template with params filled in (and required query parameters) */
  path: string;
  /** `security: []` in the document */
  isPublic: boolean;
  statuses: string[];
  /** resolved JSON schema of the request body, or null */
  bodySchema: Schema | null;
}

export type Schema = Record<string, any>;

function resolve(schema: Schema | undefined): Schema {
  let s = schema ?? {};
  for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) {
    const name = (s.$ref as string).split('/').pop() ?? '';
    s = (spec.components.schemas[name] as Schema | undefined) ?? {};
  }
  return s;
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

export function operations(): Operation[] {
  const out: Operation[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    const services = (item.servers ?? []).map((s) => (s.description?.startsWith('payment') ? 'payment' : 'banking')) as Service[];
    for (const m of METHODS) {
      const op = item[m] as Schema | undefined;
      if (!op) continue;
      const required = ((op.parameters ?? []) as Schema[]).filter((p) => p.in === 'query' && p.required === true);
      const query = required.map((p) => `${p.name}=${encodeURIComponent(String(p.schema?.example ?? 'x'))}`).join('&');
      const path = template.replace(/\{[^}]+\}/g, 'x_unknown') + (query ? `?${query}` : '');
      const body = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      for (const service of services) {
        out.push({
          service,
          method: m.toUpperCase(),
          template,
          path,
          isPublic: Array.isArray(op.security) && op.security.length === 0,
          statuses: Object.keys(op.responses ?? {}),
          bodySchema: body ? resolve(body) : null,
        });
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ paths

const hex = (c: string, lower: boolean): string => {
  const h = Buffer.from(c, 'utf8').toString('hex');
  return (lower ? h : h.toUpperCase()).replace(/(..)/g, '%$1');
};

export type PathEdit =
  | { kind: 'encode'; at: number; lower: boolean }
  | { kind: 'double'; at: number }
  | { kind: 'case'; at: number }
  | { kind: 'segment'; at: number; insert: '/' | '/.' | '/%2e' | '/%2E' | '/..' };

/** Arbitrary list of edits; positions are taken modulo the path length so any edit fits any path. */
export const pathEdits: fc.Arbitrary<PathEdit[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('encode' as const), at: fc.nat(), lower: fc.boolean() }),
    fc.record({ kind: fc.constant('double' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('case' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('segment' as const), at: fc.nat(), insert: fc.constantFrom('/' as const, '/.' as const, '/%2e' as const, '/%2E' as const, '/..' as const) }),
  ),
  { minLength: 1, maxLength: 4 },
);

/**
 * Apply edits to the path part (never the query). Only characters other than '/' and '%' are encoded,
 * so an encoded variant names the same route or none; segment edits insert at a '/'.
 */
export function pathVariant(path: string, edits: PathEdit[]): string {
  const q = path.indexOf('?');
  const query = q === -1 ? '' : path.slice(q);
  // keep each original character as one unit, so later edits never split an earlier encoding
  const units = [...(q === -1 ? path : path.slice(0, q))];
  for (const e of edits) {
    const n = units.length;
    const i = 1 + (e.at % Math.max(1, n - 1)); // never the leading '/'
    const u = units[i];
    if (u === undefined) continue;
    if (e.kind === 'segment') {
      const slash = units.indexOf('/', i);
      if (slash !== -1) units.splice(slash, 0, e.insert);
      continue;
    }
    if (u.length !== 1 || u === '/' || u === '%') continue;
    if (e.kind === 'encode') units[i] = hex(u, e.lower);
    else if (e.kind === 'double') units[i] = hex(u, false).replace(/%/g, '%25');
    else units[i] = u === u.toUpperCase() ? u.toLowerCase() : u.toUpperCase();
  }
  return units.join('') + query;
}

// ------------------------------------------------------------------------------------------- bodies

export interface Position {
  /** path segments: property names, or 0 for "an array item" */
  segments: (string | 0)[];
  /** field name as the sandbox reports it: card.number, operations[0].body */
  field: string;
  schema: Schema;
  isString: boolean;
  /** a key the schema does not declare, added to show every object key is checked */
  isExtra: boolean;
}

export function fieldName(segments: (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

const typesOf = (s: Schema): string[] => (Array.isArray(s.type) ? s.type : typeof s.type === 'string' ? [s.type] : []);

/** Every position of a body schema, depth first; objects without declared properties still get an extra key. */
export function bodyPositions(root: Schema): Position[] {
  const out: Position[] = [];
  const walk = (schema: Schema, segments: (string | 0)[]): void => {
    const s = resolve(schema);
    const types = typesOf(s);
    const field = fieldName(segments);
    out.push({ segments, field, schema: s, isString: types.includes('string'), isExtra: false });
    if (segments.length > 8) return;
    if (types.includes('object') || s.properties) {
      for (const [k, child] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) walk(child, [...segments, k]);
      const extra = [...segments, 'x_extra'];
      out.push({ segments: extra, field: fieldName(extra), schema: { type: 'string' }, isString: true, isExtra: true });
    }
    if (types.includes('array') && s.items) walk(s.items as Schema, [...segments, 0]);
  };
  walk(root, []);
  return out;
}

/** A body that is empty except for `value` at the position (objects and one-item arrays on the way). */
export function bodyWith(segments: (string | 0)[], value: unknown): unknown {
  let v = value;
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i];
    v = s === 0 ? [v] : { [s as string]: v };
  }
  return v;
}

/** A body with an extra key named `key` inside the object at the position (or at the root). */
export function bodyWithKey(segments: (string | 0)[], key: string): { body: unknown; field: string } {
  const body = bodyWith(segments, { [key]: 1 });
  const shown = key.replace(/[\u0000-\u001f\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const base = fieldName(segments.map((s) => (s === 0 ? 0 : s)));
  return { body, field: base === '' ? shown : `${base}.${shown}` };
}

export function nested(depth: number, arrays: boolean): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { d: v };
  return v;
}

/** Strings that must be refused wherever they appear: NUL alone or embedded, lone high/low surrogates. */
export const badString: fc.Arbitrary<string> = fc
  .tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\u0000\u0000'), fc.string({ maxLength: 8 }))
  .map(([a, bad, b]) => `${a.replace(/[\ud800-\udfff\u0000]/g, '')}${bad}${b.replace(/[\ud800-\udfff\u0000]/g, '')}`);

// ------------------------------------------------------------------------------------------ checks

export interface Outcome {
  status: number;
  body: any;
  text: string;
}

/** Never a 5xx; every 4xx in the documented shape. Returns a problem description, or null. */
export function shapeProblem(label: string, r: Outcome): string | null {
  if (r.status >= 500) return `${label}: ${r.status} ${r.text.slice(0, 200)}`;
  if (r.status >= 400) {
    const e = r.body?.error;
    if (typeof e?.code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(e.code) || typeof e?.message !== 'string' || e.message === '') {
      return `${label}: ${r.status} not in the documented error shape: ${r.text.slice(0, 200)}`;
    }
    if (e.field !== undefined && (typeof e.field !== 'string' || e.field === '')) return `${label}: bad field ${JSON.stringify(e.field)}`;
  }
  return null;
}

/** The router did not take this path as any route (so no route's auth or fault rule applies). */
export function unrouted(r: Outcome): boolean {
  return (r.status === 404 && /^no route for /.test(String(r.body?.error?.message))) || (r.status === 400 && r.body?.error?.code === 'bad_request');
}
