// application/x-www-form-urlencoded with bracket notation for nested values, as many payment APIs take
// it: `{ card: { number: '4242' }, items: [{ qty: 1 }] }` -> `card[number]=4242&items[0][qty]=1`.
// Pure (k6 and Node). Written here rather than taken from `qs`: that library brings a polyfill chain
// (side-channel, get-intrinsic) into every k6 bundle for what is one walk over the body.

const MAX_DEPTH = 32;

/** Encodes a body object; null and undefined fields are left out, booleans and numbers are their text. */
export function encodeForm(body: Record<string, unknown>): string {
  const out: string[] = [];
  walk(body, '', 0, out);
  return out.join('&');
}

function walk(value: unknown, key: string, depth: number, out: string[]): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object') {
    if (depth > MAX_DEPTH) throw new Error(`form body nested deeper than ${MAX_DEPTH} levels at '${key}'`);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) walk(value[i], `${key}[${i}]`, depth + 1, out);
    } else {
      const obj = value as Record<string, unknown>;
      for (const k of Object.keys(obj)) walk(obj[k], key ? `${key}[${k}]` : k, depth + 1, out);
    }
    return;
  }
  if (key === '') throw new Error('a form body must be an object of fields');
  out.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
}
