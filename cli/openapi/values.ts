// Request values from a spec: its examples where it has them, otherwise a value openapi-sampler makes
// from the schema (required fields only, never a read-only one). On top, the kit's own rules: fields that
// must be unique per request get a seeded uuid, fields that refer to a resource another call creates get
// that resource's id, read-only fields are dropped from examples too, and a value that does not match
// its field's pattern is reported. Pure.
import { sample, type Options } from 'openapi-sampler';
import type { Json, JsonObject, Schema } from './parse.ts';
import { resourceOf } from './names.ts';

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
/** How deep examples and allOf are followed: schemas may be object cycles after dereferencing. */
const MAX_DEPTH = 8;
/** How deep the sampler goes: a request body deeper than this is rare, and a recursive one ends here. */
export const SAMPLE_DEPTH = 8;

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

/** Options of the sampler: request values (no read-only fields), required fields only, patterns solved. */
const SAMPLER: Options = { skipReadOnly: true, skipNonRequired: true, enablePatterns: true, maxSampleDepth: SAMPLE_DEPTH, quiet: true };

/**
 * A schema-valid value for `schema`, named `name`: the sampler's (examples first, then enum, const,
 * default, formats, bounds, patterns), with the kit's rules applied on top (fromExample).
 */
export function generate(raw: Schema, name: string, ctx: ValueContext, path = name): Value {
  const ref = name ? fieldRef(name, effective(raw), ctx) : undefined;
  if (ref) return ref;
  const value = sample(raw as never, SAMPLER) as Json | undefined;
  return fromExample(value ?? null, raw, name, ctx, path, 0, true);
}

/** An example as a value, with refs and unique fields substituted where the schema says which fields they are. */
export function fromExample(example: Json, raw: Schema, name: string, ctx: ValueContext, path = name, depth = 0, sampled = false): Value {
  const s = effective(raw);
  if (isObject(example) && depth <= MAX_DEPTH) {
    const props = isObject(s.properties) ? s.properties : {};
    return {
      kind: 'object',
      props: Object.entries(example).flatMap(([k, v]): Array<[string, Value]> => {
        const sub = isObject(props[k]) ? (props[k] as Schema) : {};
        // A read-only field (an id the server assigns) is never sent, even when the example shows it.
        if (effective(sub).readOnly === true) return [];
        return [[k, fieldRef(k, effective(sub), ctx) ?? fromExample(v, sub, k, ctx, `${path}.${k}`, depth + 1, sampled)]];
      }),
    };
  }
  if (Array.isArray(example) && depth <= MAX_DEPTH) {
    const items = isObject(s.items) ? s.items : {};
    return { kind: 'array', items: example.map((v) => fromExample(v, items, '', ctx, `${path}[]`, depth + 1, sampled)) };
  }
  const ref = name && typeof example === 'string' ? fieldRef(name, s, ctx) : undefined;
  if (ref) return ref;
  if (typeof example === 'string' && typeof s.pattern === 'string' && !matches(s.pattern, example)) {
    ctx.notes.push(`${path || 'value'}: '${example}' does not match the pattern ${s.pattern}; set a value that does`);
  }
  if (sampled && typeof example === 'number') return { kind: 'literal', value: midRange(example, s) };
  return { kind: 'literal', value: example };
}

/**
 * The sampler takes a number's minimum. A narrow range (a month, a card's expiry year) reads best, and is
 * valid longest, at its middle; a wide one (an amount) stays at its low end.
 */
function midRange(value: number, s: Schema): number {
  const { minimum: min, maximum: max } = s;
  if (typeof min !== 'number' || typeof max !== 'number' || value !== min || max - min > 1000) return value;
  const mid = (min + max) / 2;
  return s.type === 'integer' || Number.isInteger(min) ? Math.round(mid) : mid;
}

function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true; // a pattern JavaScript cannot read is not ours to judge
  }
}
