// Names the generator derives from a spec: identifiers for endpoints and functions, snake_case task
// names, environment variables, and the resource a path segment or field name refers to. Pure.
import type { HttpMethod } from './parse.ts';

/** Words of an identifier-ish string: `payment_intents`, `paymentIntents`, `Payment-Intents` -> [payment, intents]. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

export const snake = (text: string) => words(text).join('_');
export const pascal = (text: string) => words(text).map(cap).join('');
export const upperSnake = (text: string) => snake(text).toUpperCase();

export function camel(text: string): string {
  const p = pascal(text);
  const id = p.charAt(0).toLowerCase() + p.slice(1);
  return /^[0-9]/.test(id) ? `op${p}` : id;
}

/** English plural to singular, for collection names (payment_intents, entries, addresses, statuses). */
export function singular(word: string): string {
  if (/ies$/.test(word)) return word.slice(0, -3) + 'y';
  if (/(ss|x|ch|sh|us)es$/.test(word)) return word.slice(0, -2);
  if (/[^s]s$/.test(word) && !/(us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

export function isPlural(word: string): boolean {
  return singular(word) !== word;
}

/** The resource a name refers to: `paymentIntentId`, `payment_intent`, `payment_intents` -> `payment_intent`. */
export function resourceOf(name: string): string {
  const w = words(name);
  if (w.length > 1 && w[w.length - 1] === 'id') w.pop();
  if (w.length === 0) return '';
  w[w.length - 1] = singular(w[w.length - 1] as string);
  return w.join('_');
}

const VERSION = /^v\d+(\.\d+)*$/i;
const NOISE = new Set(['api', 'rest']);

interface Segment {
  literal: boolean;
  text: string;
}

export function segments(path: string): Segment[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => (/^\{.+\}$/.test(s) ? { literal: false, text: s.slice(1, -1) } : { literal: true, text: s }));
}

/** The literal segments that name things (no `api`, no `v1`). */
function nouns(path: string): Segment[] {
  return segments(path).filter((s) => !s.literal || (!VERSION.test(s.text) && !NOISE.has(s.text.toLowerCase())));
}

/** A readable endpoint key when the spec has no operationId: getPayment, listMerchantTransactions, confirmPaymentIntent. */
export function operationKey(method: HttpMethod, path: string): string {
  const segs = nouns(path);
  const last = segs[segs.length - 1];
  if (!last) return camel(`${method} root`);
  const lits = segs.filter((s) => s.literal).map((s) => s.text);
  const beforeLast = segs.slice(0, -1);
  // The literal owning a trailing `{param}`, or the parent of a literal that follows a `{param}`.
  const owner = (from: Segment[]) => [...from].reverse().find((s) => s.literal)?.text;
  if (!last.literal) {
    const thing = singular(snake(owner(beforeLast) ?? 'item'));
    const verb = { get: 'get', put: 'update', patch: 'update', delete: 'delete', post: 'update' }[method];
    return camel(`${verb} ${thing}`);
  }
  const prev = beforeLast[beforeLast.length - 1];
  const parent = prev && !prev.literal ? owner(beforeLast) : undefined;
  const lastWord = snake(last.text);
  if (method === 'get') {
    if (!isPlural(lastWord.split('_').pop() ?? '')) return camel(`get ${lits.join(' ')}`);
    return camel(`list ${parent ? singular(snake(parent)) : ''} ${lastWord}`);
  }
  if (isPlural(lastWord.split('_').pop() ?? '')) {
    const verb = { post: 'create', put: 'replace', patch: 'update', delete: 'delete' }[method];
    return camel(`${verb} ${parent ? singular(snake(parent)) : ''} ${singular(lastWord)}`);
  }
  // An action on a thing: POST /payment_intents/{id}/confirm, POST /data/generate.
  const object = owner(beforeLast);
  return camel(`${method === 'post' ? '' : method} ${lastWord} ${object ? singular(snake(object)) : ''}`);
}

/** Ids the generated code uses itself or that TypeScript reserves: an endpoint key must not shadow them. */
export const RESERVED = new Set([
  'api', 'remember', 'reuse', 'hasId', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do',
  'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static',
  'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'constructor',
]);
