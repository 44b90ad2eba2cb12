// Request values from a spec: its examples where it has them, otherwise values that satisfy the schema's
// type, enum, format, bounds and lengths (patterns are not solved: such a field is reported so its value
// can be checked). Fields that must be unique per request get a seeded uuid, and fields that refer to a
// resource another call creates get that resource's id. Pure.
import type { Json, JsonObject, Schema } from './parse.ts';
import { resourceOf, words } from './names.ts';

/** A value in generated code: literal data, a per-request unique id, or the id of a created resource. */
export type Value =
  | { kind: 'literal'; value: Json }
  | { kind: 'object'; props: Array<[string, Value]> }
  | { kind: 'array'; items: Value[] }
  /** `${runId}-${uuid}` (prefixed) or a bare uuid (format: uuid). */
  | { kind: 'unique'; prefixed: boolean }
  /** The id of a resource of this name, created or reused by the call (the model decides which). */
  | { kind: 'id'; resource: string };

export interface ValueContext {
  /** Resources some call creates: a field named after one takes its id. */
  resources: ReadonlySet<string>;
  /** The resource the call itself creates (a create does not refer to itself). */
  self?: string;
  /** Collected: fields whose value is a guess worth checking (a pattern without an example). */
  notes: string[];
}

const UNIQUE = /idempot|nonce|request[-_]?id|correlation[-_]?id|dedup|unique/i;
const MAX_DEPTH = 8;

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function isUniqueName(name: string): boolean {
  return UNIQUE.test(name);
}

/** The schema's single type, preferring a non-null one of a 3.1 type list or a oneOf/anyOf. */
function typeOf(s: Schema): string | undefined {
  if (typeof s.type === 'string') return s.type;
  if (Array.isArray(s.type)) return s.type.find((t): t is string => typeof t === 'string' && t !== 'null');
  if (isObject(s.properties)) return 'object';
  if (s.items !== undefined) return 'array';
  return undefined;
}

/** Flattens allOf and picks the first non-null oneOf/anyOf branch. */
export function effective(s: Schema, depth = 0): Schema {
  if (depth > MAX_DEPTH) return s;
  let out: Schema = { ...s };
  if (Array.isArray(s.allOf)) {
    const { allOf, ...rest } = s;
    out = rest;
    for (const part of allOf.filter(isObject).map((p) => effective(p, depth + 1))) {
      out = {
        ...part,
        ...out,
        properties: { ...(isObject(part.properties) ? part.properties : {}), ...(isObject(out.properties) ? out.properties : {}) },
        required: [...(Array.isArray(part.required) ? part.required : []), ...(Array.isArray(out.required) ? out.required : [])],
      };
    }
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = out[key];
    if (!Array.isArray(branches)) continue;
    const pick = branches.filter(isObject).find((b) => b.type !== 'null') ?? {};
    const { [key]: _, ...rest } = out;
    out = { ...effective(pick, depth + 1), ...rest };
  }
  return out;
}

function fieldRef(name: string, s: Schema, ctx: ValueContext): Value | undefined {
  const t = typeOf(s);
  if (t !== undefined && t !== 'string') return undefined;
  const resource = resourceOf(name);
  if (resource !== '' && resource !== ctx.self && ctx.resources.has(resource)) return { kind: 'id', resource };
  if (isUniqueName(name) || s.format === 'uuid') return { kind: 'unique', prefixed: s.format !== 'uuid' };
  return undefined;
}

function numberFor(s: Schema, integer: boolean): number {
  const exMin = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : undefined;
  const exMax = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : undefined;
  const step = integer ? 1 : 0.01;
  let min = typeof s.minimum === 'number' ? s.minimum : exMin !== undefined ? exMin + step : undefined;
  let max = typeof s.maximum === 'number' ? s.maximum : exMax !== undefined ? exMax - step : undefined;
  if (s.exclusiveMinimum === true && min !== undefined) min += step;
  if (s.exclusiveMaximum === true && max !== undefined) max -= step;
  let v: number;
  // A narrow range (a month, a year, a page size) reads best at its middle; a wide one (an amount) at its low end.
  if (min !== undefined && max !== undefined) {
    v = max - min <= 1000 ? (min + max) / 2 : min;
    if (Math.round(v) >= min && Math.round(v) <= max) v = Math.round(v);
  }
  else if (min !== undefined) v = Math.max(min, 1);
  else if (max !== undefined) v = Math.min(max, 1);
  else v = 1;
  return integer ? Math.ceil(v) : v;
}

function stringFor(name: string, s: Schema): string {
  switch (s.format) {
    case 'date-time':
      return '2030-01-01T00:00:00Z';
    case 'date':
      return '2030-01-01';
    case 'email':
      return 'user@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/';
    case 'ipv4':
      return '192.0.2.1';
    case 'hostname':
      return 'example.com';
  }
  const w = words(name);
  if (w.length > 1 && w[w.length - 1] === 'id') w.pop();
  let text = `${w.join('_') || 'value'}_1`;
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
  const maxLength = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  while (text.length < minLength) text += 'x';
  return text.slice(0, Math.max(maxLength, minLength));
}

/** A schema-valid value for `schema`, named `name` (for refs, unique fields and readable strings). */
export function generate(raw: Schema, name: string, ctx: ValueContext, path = name, depth = 0): Value {
  const s = effective(raw);
  const ref = name ? fieldRef(name, s, ctx) : undefined;
  if (ref) return ref;
  if (s.example !== undefined) return fromExample(s.example, s, name, ctx, path, depth);
  if (Array.isArray(s.examples) && s.examples.length > 0) return fromExample(s.examples[0] as Json, s, name, ctx, path, depth);
  if (s.const !== undefined) return { kind: 'literal', value: s.const };
  if (s.default !== undefined) return fromExample(s.default, s, name, ctx, path, depth);
  if (Array.isArray(s.enum) && s.enum.length > 0) return { kind: 'literal', value: s.enum.find((e) => e !== null) ?? null };
  if (depth > MAX_DEPTH) return { kind: 'literal', value: null };
  switch (typeOf(s)) {
    case 'object': {
      const props = isObject(s.properties) ? s.properties : {};
      const required = new Set(Array.isArray(s.required) ? s.required : []);
      const out: Array<[string, Value]> = [];
      for (const [key, sub] of Object.entries(props)) {
        if (!isObject(sub)) continue;
        // Required fields, and optional ones the spec gives an example for: a body a person can read.
        if (!required.has(key) && effective(sub).example === undefined) continue;
        out.push([key, generate(sub, key, ctx, `${path}.${key}`, depth + 1)]);
      }
      return { kind: 'object', props: out };
    }
    case 'array': {
      const items = isObject(s.items) ? s.items : {};
      const n = Math.max(1, typeof s.minItems === 'number' ? s.minItems : 1);
      return { kind: 'array', items: Array.from({ length: n }, () => generate(items, '', ctx, `${path}[]`, depth + 1)) };
    }
    case 'integer':
      return { kind: 'literal', value: numberFor(s, true) };
    case 'number':
      return { kind: 'literal', value: numberFor(s, false) };
    case 'boolean':
      return { kind: 'literal', value: false };
    case 'null':
      return { kind: 'literal', value: null };
    default:
      if (typeof s.pattern === 'string') ctx.notes.push(`${path || 'value'}: no example for pattern ${s.pattern}; check the generated value`);
      return { kind: 'literal', value: stringFor(name, s) };
  }
}

/** An example as a value, with refs and unique fields substituted where the schema says which fields they are. */
export function fromExample(example: Json, raw: Schema, name: string, ctx: ValueContext, path = name, depth = 0): Value {
  const s = effective(raw);
  if (isObject(example) && depth <= MAX_DEPTH) {
    const props = isObject(s.properties) ? s.properties : {};
    return {
      kind: 'object',
      props: Object.entries(example).map(([k, v]) => {
        const sub = isObject(props[k]) ? (props[k] as Schema) : {};
        return [k, fieldRef(k, effective(sub), ctx) ?? fromExample(v, sub, k, ctx, `${path}.${k}`, depth + 1)] as [string, Value];
      }),
    };
  }
  if (Array.isArray(example) && depth <= MAX_DEPTH) {
    const items = isObject(s.items) ? s.items : {};
    return { kind: 'array', items: example.map((v) => fromExample(v, items, '', ctx, `${path}[]`, depth + 1)) };
  }
  return (name && typeof example === 'string' ? fieldRef(name, s, ctx) : undefined) ?? { kind: 'literal', value: example };
}
