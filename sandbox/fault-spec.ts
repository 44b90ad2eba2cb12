/**
 * Fault-injection grammar: parse, format and scope matching. Pure (no fastify); the injector that acts
 * on requests is sandbox/faults.ts.
 *
 * Syntax (SANDBOX_FAULTS env var, or PUT /admin/faults {"spec": "..."}):
 *
 *   spec  := rule ( ';' rule )*           -- newlines also separate rules
 *   rule  := name [ '=' value ] [ '@' scope ]
 *   scope := METHOD | [METHOD ' '] /path/pattern
 *
 * A path pattern must match the whole path (query excluded). In a pattern '*' matches any characters
 * (including '/') and '{name}' matches one path segment, so the endpoint names used as k6 `name` tags
 * work as scopes: "errors=5%@POST /api/v1/payments/{id}/refunds". Patterns are matched against the
 * percent-decoded path and against the route template the router matched ("/api/v1/payments/{id}/refunds"),
 * never against the raw URL, so "/api/v1/p%61yments" is in scope of "/api/v1/payments".
 *
 *   latency=200ms                 fixed delay before the request is handled
 *   latency=50ms..400ms           uniform delay
 *   latency=normal(200ms,50ms)    normally distributed delay (mean, stddev; clamped at 0)
 *   ttfb=6s                       delay before the response headers (first byte) are written;
 *                                 for POST /api/v1/data/generate this is before the stream starts
 *   errors=0.1[:500]              fraction (or '10%') answered 503 (or 500/502/504) code injected_fault
 *   reset=0.05                    fraction whose TCP connection is destroyed without an answer
 *   timeout=0.01[:30s]            fraction held without an answer, then closed (default hold 30s, max 5m)
 *   no_unique_pan                 user registration uses a table WITHOUT the UNIQUE(pan) constraint
 *   no_rate_limit                 bypass the rate limiter even if SANDBOX_RATE_LIMIT is set
 *   no_idempotency_lock           Idempotency-Key looked up, then RACE_WINDOW_MS later the work done and the key
 *                                 stored (upsert), with no transaction or unique key between: concurrent
 *                                 requests with one key each create a payment / authorization
 *   racy_refunds                  payment and banking refunds read the balance, wait RACE_WINDOW_MS, then write
 *                                 "what I read + my amount" (a lost update): concurrent refunds can exceed the amount
 *   racy_captures                 a capture reads the authorization, waits RACE_WINDOW_MS, then captures without
 *                                 re-checking: concurrent captures of one authorization all succeed
 *   float_amounts                 payment amounts pass through major units rounded to one decimal before they are
 *                                 stored (money in a float); the answer echoes the request, so the ledger drifts
 *   slow_storage                  every part a generation stores (POST /api/v1/data/generate with a sink) waits
 *                                 STORAGE_SLOW_MS before its PUT: time to the manifest and storage MB/s breach
 *   failing_storage               every part's PUT fails: the stream is cut off and no manifest is written
 *   corrupt_part                  the first part is stored with one byte changed (the manifest keeps the true sha256)
 *   missing_part                  the first part is never stored, yet listed in the manifest
 *
 * Examples: "latency=300ms@/api/v1/payments*; errors=0.5@POST /api/v1/payments"
 *
 * /health and /admin/* are never affected by faults.
 */
import { formatDuration, parseDuration } from '../lib/duration.ts';

export type Dist =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'normal'; meanMs: number; stddevMs: number };

export type FaultRule =
  | { type: 'latency'; dist: Dist; scope: Scope }
  | { type: 'ttfb'; dist: Dist; scope: Scope }
  | { type: 'errors'; probability: number; status: number; scope: Scope }
  | { type: 'reset'; probability: number; scope: Scope }
  | { type: 'timeout'; probability: number; holdMs: number; scope: Scope };

export interface Scope {
  method: string | null;
  path: string | null;
  re: RegExp | null;
}

/**
 * Global switches that bring back a bug a real service could have, so each integrity check can be shown
 * to go red. Text name -> FaultSpec field.
 */
export const SWITCHES = {
  no_unique_pan: 'noUniquePan',
  no_rate_limit: 'noRateLimit',
  no_idempotency_lock: 'noIdempotencyLock',
  racy_refunds: 'racyRefunds',
  racy_captures: 'racyCaptures',
  float_amounts: 'floatAmounts',
  slow_storage: 'slowStorage',
  failing_storage: 'failingStorage',
  corrupt_part: 'corruptPart',
  missing_part: 'missingPart',
} as const;

export type SwitchName = keyof typeof SWITCHES;
type SwitchField = (typeof SWITCHES)[SwitchName];

export type FaultSpec = { rules: FaultRule[] } & Record<SwitchField, boolean>;

/**
 * The gap the racy switches leave between reading and writing: a slow downstream call (fraud check, ledger
 * service) in a real service. 100 ms is longer than the spread of racers the scenarios release together
 * (race_release_lag_ms stays well under it on one host), so their reads all land before the first write.
 */
export const RACE_WINDOW_MS = 100;

/** What slow_storage adds before each part's PUT: a congested or throttled store (S3's 503 SlowDown back-off). */
export const STORAGE_SLOW_MS = 1500;

export function emptyFaults(): FaultSpec {
  return { rules: [], noUniquePan: false, noRateLimit: false, noIdempotencyLock: false, racyRefunds: false, racyCaptures: false, floatAmounts: false, slowStorage: false, failingStorage: false, corruptPart: false, missingPart: false };
}

const SWITCH_NAMES = Object.keys(SWITCHES) as SwitchName[];

export const MAX_DELAY_MS = 300_000;
const DEFAULT_HOLD_MS = 30_000;
const ERROR_STATUSES = [500, 502, 503, 504];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export class FaultSpecError extends Error {}

function fail(rule: string, why: string): never {
  throw new FaultSpecError(`rule '${rule}': ${why}`);
}

function parseMs(rule: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) fail(rule, `'${text}' is not a duration like 200ms, 1.5s, 2m`);
  if (ms > MAX_DELAY_MS) fail(rule, `'${text}' exceeds the maximum of ${formatDuration(MAX_DELAY_MS)}`);
  return ms;
}

function parseDist(rule: string, value: string): Dist {
  const normal = /^normal\(\s*([^,]+?)\s*,\s*([^)]+?)\s*\)$/.exec(value);
  if (normal) return { kind: 'normal', meanMs: parseMs(rule, normal[1] ?? ''), stddevMs: parseMs(rule, normal[2] ?? '') };
  const range = value.split('..');
  if (range.length === 2) {
    const minMs = parseMs(rule, range[0] ?? '');
    const maxMs = parseMs(rule, range[1] ?? '');
    if (maxMs < minMs) fail(rule, `range ${value} has max < min`);
    return { kind: 'uniform', minMs, maxMs };
  }
  return { kind: 'fixed', ms: parseMs(rule, value) };
}

function parseProbability(rule: string, text: string): number {
  const t = text.trim();
  const pct = /^([0-9]+(?:\.[0-9]+)?)%$/.exec(t);
  const p = pct ? Number(pct[1]) / 100 : /^[0-9]+(?:\.[0-9]+)?$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(p) || p < 0 || p > 1) fail(rule, `'${text}' is not a fraction 0..1 (or a percentage like 10%)`);
  return p;
}

const escapeRe = (s: string): string => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/**
 * '*' matches any characters (including '/'); '{name}' matches one path segment. A '{name}' pattern
 * also matches the route template itself, so the k6 endpoint names ("POST /api/v1/payments/{id}/refunds")
 * can be pasted into a scope unchanged.
 */
export function scopePatternToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((piece) => piece.split(/\{[^{}/]*\}/).map(escapeRe).join('[^/]+'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

function parseScope(rule: string, text: string | undefined): Scope {
  if (text === undefined) return { method: null, path: null, re: null };
  const parts = text.trim().split(/\s+/).filter((p) => p !== '');
  let method: string | null = null;
  let path: string | null = null;
  for (const part of parts) {
    if (part.startsWith('/')) {
      if (path !== null) fail(rule, 'scope has more than one path');
      path = part;
    } else {
      const m = part.toUpperCase();
      if (!METHODS.includes(m)) fail(rule, `'${part}' is not an HTTP method or a /path pattern`);
      if (method !== null || path !== null) fail(rule, `scope must be '[METHOD] /path', got '${text}'`);
      method = m;
    }
  }
  if (method === null && path === null) fail(rule, 'empty scope after @');
  return { method, path, re: path === null ? null : scopePatternToRegExp(path) };
}

export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = emptyFaults();
  for (const rawRule of text.split(/[;\n]/)) {
    const ruleText = rawRule.trim();
    if (ruleText === '') continue;
    const at = ruleText.indexOf('@');
    const head = (at === -1 ? ruleText : ruleText.slice(0, at)).trim();
    const scopeText = at === -1 ? undefined : ruleText.slice(at + 1);
    const eq = head.indexOf('=');
    const name = (eq === -1 ? head : head.slice(0, eq)).trim().toLowerCase();
    const value = eq === -1 ? undefined : head.slice(eq + 1).trim();
    const needValue = (): string => {
      if (value === undefined || value === '') fail(ruleText, `'${name}' needs a value, e.g. ${name}=${name === 'latency' || name === 'ttfb' ? '200ms' : '0.1'}`);
      return value;
    };
    switch (name) {
      case 'latency':
      case 'ttfb': {
        const dist = parseDist(ruleText, needValue());
        const scope = parseScope(ruleText, scopeText);
        spec.rules.push(name === 'latency' ? { type: 'latency', dist, scope } : { type: 'ttfb', dist, scope });
        break;
      }
      case 'errors': {
        const [p, s] = needValue().split(':');
        let status = 503;
        if (s !== undefined) {
          status = Number(s);
          if (!ERROR_STATUSES.includes(status)) fail(ruleText, `error status must be one of ${ERROR_STATUSES.join(', ')}`);
        }
        spec.rules.push({ type: 'errors', probability: parseProbability(ruleText, p ?? ''), status, scope: parseScope(ruleText, scopeText) });
        break;
      }
      case 'reset':
        spec.rules.push({ type: 'reset', probability: parseProbability(ruleText, needValue()), scope: parseScope(ruleText, scopeText) });
        break;
      case 'timeout': {
        const [p, hold] = needValue().split(':');
        const holdMs = hold === undefined ? DEFAULT_HOLD_MS : parseMs(ruleText, hold);
        spec.rules.push({ type: 'timeout', probability: parseProbability(ruleText, p ?? ''), holdMs, scope: parseScope(ruleText, scopeText) });
        break;
      }
      default: {
        if (!(SWITCH_NAMES as string[]).includes(name)) {
          fail(ruleText, `unknown fault '${name}' (known: latency, ttfb, errors, reset, timeout, ${SWITCH_NAMES.join(', ')})`);
        }
        if (value !== undefined && !/^(true|1|on)$/i.test(value)) fail(ruleText, `'${name}' is a switch and takes no value`);
        if (scopeText !== undefined) fail(ruleText, `'${name}' is global and cannot be scoped`);
        spec[SWITCHES[name as SwitchName]] = true;
      }
    }
  }
  return spec;
}

function formatDist(d: Dist): string {
  if (d.kind === 'fixed') return formatDuration(d.ms);
  if (d.kind === 'uniform') return `${formatDuration(d.minMs)}..${formatDuration(d.maxMs)}`;
  return `normal(${formatDuration(d.meanMs)},${formatDuration(d.stddevMs)})`;
}

function formatScope(s: Scope): string {
  if (s.method === null && s.path === null) return '';
  return '@' + [s.method, s.path].filter((x) => x !== null).join(' ');
}

export function formatRule(r: FaultRule): string {
  switch (r.type) {
    case 'latency':
    case 'ttfb':
      return `${r.type}=${formatDist(r.dist)}${formatScope(r.scope)}`;
    case 'errors':
      return `errors=${r.probability}${r.status === 503 ? '' : `:${r.status}`}${formatScope(r.scope)}`;
    case 'reset':
      return `reset=${r.probability}${formatScope(r.scope)}`;
    case 'timeout':
      return `timeout=${r.probability}${r.holdMs === DEFAULT_HOLD_MS ? '' : `:${formatDuration(r.holdMs)}`}${formatScope(r.scope)}`;
  }
}

export function formatFaultSpec(spec: FaultSpec): string {
  const parts = spec.rules.map(formatRule);
  for (const name of SWITCH_NAMES) if (spec[SWITCHES[name]]) parts.push(name);
  return parts.join('; ');
}

/** Structured form used by GET /admin/faults and accepted by PUT /admin/faults. */
export interface StructuredRule {
  type: string;
  value?: string | number | boolean;
  method?: string;
  path?: string;
}

export function describeFaults(spec: FaultSpec): { spec: string; rules: StructuredRule[] } {
  const rules: StructuredRule[] = spec.rules.map((r) => {
    const text = formatRule(r);
    const head = text.split('@')[0] ?? '';
    const out: StructuredRule = { type: r.type, value: head.slice(head.indexOf('=') + 1) };
    if (r.scope.method !== null) out.method = r.scope.method;
    if (r.scope.path !== null) out.path = r.scope.path;
    return out;
  });
  for (const name of SWITCH_NAMES) if (spec[SWITCHES[name]]) rules.push({ type: name });
  return { spec: formatFaultSpec(spec), rules };
}

/** Convert structured rules to the text syntax (then parsed by parseFaultSpec, so there is one parser). */
export function structuredToSpec(rules: StructuredRule[]): string {
  return rules
    .map((r, i) => {
      if (/[;@=\n]/.test(r.type)) throw new FaultSpecError(`rules[${i}].type contains a reserved character`);
      let value = '';
      if (r.value !== undefined && r.value !== true) {
        const v = typeof r.value === 'number' && (r.type === 'latency' || r.type === 'ttfb') ? `${r.value}ms` : String(r.value);
        if (/[;@\n]/.test(v)) throw new FaultSpecError(`rules[${i}].value contains a reserved character`);
        value = `=${v}`;
      }
      const scopeParts = [r.method, r.path].filter((x): x is string => typeof x === 'string' && x !== '');
      if (scopeParts.some((p) => /[;@\n]/.test(p))) throw new FaultSpecError(`rules[${i}] scope contains a reserved character`);
      return `${r.type}${value}${scopeParts.length ? '@' + scopeParts.join(' ') : ''}`;
    })
    .join('; ');
}

/**
 * Does a rule's scope cover this request? `path` is the decoded request path (query excluded) and
 * `template` the route the router matched, in '{param}' form (null for an unknown route); a scope
 * pattern matches if it matches either, so encoding a character of the path cannot step around it.
 */
export function scopeMatches(scope: Scope, method: string, path: string, template: string | null): boolean {
  if (scope.method !== null && scope.method !== method) return false;
  if (scope.re === null) return true;
  return scope.re.test(path) || (template !== null && scope.re.test(template));
}
