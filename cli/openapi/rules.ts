// The per-operation rules of the generator: which budget, body encoding and success statuses an
// operation gets, whether it creates something, and the auth scheme a spec's security names. Pure.
import { isPlural, resourceOf, segments, snake, words } from './names.ts';
import type { Operation, ParsedSpec } from './parse.ts';
import { fromExample, generate, type Value, type ValueContext } from './values.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type BudgetKind = 'WRITE' | 'LOOKUP' | 'LIST';
export type BodyKind = 'json' | 'form' | 'none';
export type Auth =
  | { kind: 'bearer'; tokenVar: string }
  | { kind: 'basic'; userVar: string; passwordVar: string }
  | { kind: 'header'; header: string; tokenVar: string }
  | { kind: 'none' };

export const upper = (m: string) => m.toUpperCase() as Method;
export const hasParams = (path: string) => /\{[^}]+\}/.test(path);
export const successes = (op: Operation) => op.statuses.filter((s) => /^2\d\d$/.test(s)).map(Number);

export function budgetOf(op: Operation): BudgetKind {
  if (op.method !== 'get') return 'WRITE';
  return hasParams(op.path) ? 'LOOKUP' : 'LIST';
}

export function bodyEncoding(op: Operation): BodyKind | undefined {
  const carries = op.method === 'post' || op.method === 'put' || op.method === 'patch';
  if (op.bodyType === undefined) return carries ? 'none' : undefined;
  if (/x-www-form-urlencoded/i.test(op.bodyType)) return 'form';
  return carries ? undefined : 'json';
}

const parents = new WeakMap<readonly Operation[], Set<string>>();

/** Paths that some operation's path continues with a `/{param}`: worked out once per spec (thousands of operations). */
function parentsOfParams(all: readonly Operation[]): Set<string> {
  let set = parents.get(all);
  if (!set) {
    set = new Set();
    for (const o of all) for (let k = o.path.indexOf('/{'); k >= 0; k = o.path.indexOf('/{', k + 1)) set.add(o.path.slice(0, k));
    parents.set(all, set);
  }
  return set;
}

/** A create: POST to a plural collection, or to a path whose `{param}` child another operation serves. */
export function createdResource(op: Operation, all: Operation[]): string | undefined {
  const segs = segments(op.path);
  const last = segs[segs.length - 1];
  if (op.method !== 'post' || !last?.literal) return undefined;
  const child = parentsOfParams(all).has(op.path);
  if (!child && !isPlural(snake(last.text).split('_').pop() ?? '')) return undefined;
  return resourceOf(last.text);
}

const CREATE_VERBS = new Set(['create', 'place', 'make', 'add', 'new', 'post', 'submit', 'open', 'start', 'register', 'put']);

/** What a linked create makes, from its key: placeOrder -> order. */
export function linkedResource(opKey: string): string {
  const w = words(opKey);
  if (w.length > 1 && CREATE_VERBS.has(w[0] as string)) w.shift();
  return resourceOf(w.join('_'));
}

export function authOf(spec: ParsedSpec, ops: Operation[], prefix: string, notes: string[]): Auth {
  const name = ops.map((o) => o.security[0]).find((n) => n !== undefined);
  const scheme = name === undefined ? undefined : spec.securitySchemes[name];
  if (!scheme) return { kind: 'none' };
  if (scheme.type === 'http' && scheme.scheme === 'basic') return { kind: 'basic', userVar: `${prefix}_USER`, passwordVar: `${prefix}_PASSWORD` };
  if (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.name) return { kind: 'header', header: scheme.name, tokenVar: `${prefix}_TOKEN` };
  if (scheme.type === 'http' || scheme.type === 'oauth2' || scheme.type === 'openIdConnect') return { kind: 'bearer', tokenVar: `${prefix}_TOKEN` };
  notes.push(`security scheme '${name}' (${scheme.type} in ${scheme.in ?? '?'}) is not supported: the service is generated without auth`);
  return { kind: 'none' };
}

export function paramValue(p: Operation['parameters'][number], ctx: ValueContext): Value {
  if (p.example !== undefined) return fromExample(p.example, p.schema, '', ctx);
  return generate(p.schema, p.name, ctx, p.name);
}

