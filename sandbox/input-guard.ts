/**
 * One check for every string a client sends, before any route sees it: path params, query strings and
 * the parsed JSON body (values and object keys). Rejected with 422 `validation_failed` naming the field:
 *   - a body nested deeper than MAX_JSON_DEPTH containers (later code walks bodies: hashing, storing);
 *   - a string containing NUL (SQLite's length() stops at NUL, so CHECK constraints misjudge it);
 *   - a string with an unpaired UTF-16 surrogate (not representable in UTF-8: it would be stored as U+FFFD
 *     while the response echoed the original).
 * The walk is iterative, so the depth of the input never reaches the call stack.
 */
import { ApiError } from './errors.ts';

export const MAX_JSON_DEPTH = 32;

const BAD_STRING = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A key as it appears in a field name: characters that cannot be shown safely become \uXXXX. */
function showKey(key: string): string {
  return key.replace(/[\u0000-\u001f\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function join(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const shown = showKey(key);
  return parent === '' ? shown : `${parent}.${shown}`;
}

function badString(field: string, name = false): ApiError {
  const what = name ? `the name of ${field}` : field;
  return new ApiError(422, 'validation_failed', `${what} must not contain NUL characters or unpaired surrogates`, { field });
}

/** First problem in a parsed JSON body, or null. `field` names where, like the schema errors do. */
export function checkJsonBody(body: unknown): ApiError | null {
  if (typeof body === 'string') return BAD_STRING.test(body) ? badString('body') : null;
  if (body === null || typeof body !== 'object') return null;
  const stack: { value: object; path: string; depth: number }[] = [{ value: body, path: '', depth: 1 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: object; path: string; depth: number };
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : Object.entries(value as Record<string, unknown>);
    // reversed, so the first problem in document order is the one reported
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string | number, unknown];
      if (typeof key === 'string' && BAD_STRING.test(key)) return badString(join(path, key), true);
      const field = join(path, key);
      if (typeof child === 'string') {
        if (BAD_STRING.test(child)) return badString(field);
      } else if (child !== null && typeof child === 'object') {
        if (depth + 1 > MAX_JSON_DEPTH) {
          return new ApiError(422, 'validation_failed', `request body nests deeper than ${MAX_JSON_DEPTH} levels at ${field}`, { field });
        }
        stack.push({ value: child, path: field, depth: depth + 1 });
      }
    }
  }
  return null;
}

/** First problem in path params or the query string (names and values), or null. */
export function checkStringMap(map: unknown): ApiError | null {
  if (map === null || typeof map !== 'object') return null;
  for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
    if (BAD_STRING.test(key)) return badString(showKey(key), true);
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) if (typeof v === 'string' && BAD_STRING.test(v)) return badString(showKey(key));
  }
  return null;
}

/** A percent-encoded string decoded, or null when it does not decode (broken encoding, not UTF-8). */
export function tryDecode(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

/**
 * The path parameter whose raw segment fails `bad`, found by matching the raw path against the routes'
 * templates (`/a/:id/b`; static segments compare decoded). Null when no template has the path's shape:
 * then it is no route's input.
 */
export function paramWhere(rawPath: string, templates: Iterable<string>, bad: (segment: string) => boolean): string | null {
  const segments = rawPath.split('/');
  for (const template of templates) {
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    let field: string | null = null;
    let matches = true;
    for (let i = 0; i < parts.length && matches; i++) {
      const part = parts[i] as string;
      const segment = segments[i] as string;
      if (part.startsWith(':')) {
        if (field === null && bad(segment)) field = part.slice(1);
      } else {
        matches = tryDecode(segment) === part;
      }
    }
    if (matches && field !== null) return field;
  }
  return null;
}

/** The path parameter whose segment does not decode (broken percent-encoding, bytes that are not UTF-8, an encoded surrogate). */
export function undecodableParam(rawPath: string, templates: Iterable<string>): string | null {
  return paramWhere(rawPath, templates, (segment) => tryDecode(segment) === null);
}
