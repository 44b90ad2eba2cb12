// Failed responses, for the report page: counted per endpoint and status, and the first one of each
// check kept as an example. The k6 side (lib/k6/http.ts) writes both only when a check fails, so a
// healthy run pays nothing: a counter sample tagged `failure: "<endpoint> <status>"` (k6's dashboard
// splits it per tag value, docs/reports.md) and, once per VU and check, one log line. Pure, tested in Node.
/** The first failed response of a check, status and body cut short, secrets already scrubbed. */
export interface FailureExample {
  check: string;
  status: number;
  body: string;
}


export const FAILED_RESPONSES = 'failed_responses';
export const FAILURE_TAG = 'failure';
const PREFIX = 'first failed response ';
/** Bodies are cut here in k6 (a log line stays short) and again, shorter, on the page. */
export const BODY_LOG_CHARS = 400;
const BODY_PAGE_CHARS = 240;

export function failureTag(endpoint: string, status: number): string {
  return `${endpoint} ${status}`;
}

/** The log line k6 prints for a check's first failed response in a VU. */
export function exampleLine(check: string, status: number, body: string): string {
  return PREFIX + JSON.stringify({ check, status, body: body.slice(0, BODY_LOG_CHARS) });
}

/** Card-number-like digit runs (13 to 19 digits) keep their last four. */
export function maskPans(text: string): string {
  return text.replace(/\d{13,19}/g, (d) => '•'.repeat(d.length - 4) + d.slice(-4));
}

/** A Go-quoted string's inside (k6's logfmt `msg="…"`) as text: Go's escapes are JSON's, but for \xNN. */
function unquoteGo(inner: string): string {
  return JSON.parse(`"${inner.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')}"`) as string;
}

/** The last `level=error` message of k6's log, without the JavaScript stack k6 appends. */
export function lastErrorMessage(text: string): string | null {
  let last: string | null = null;
  const re = /level=error msg="((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    try {
      last = unquoteGo(m[1] as string).split('\n')[0]!.replace(/\s+at \S+ \(.*$/, '').trim();
    } catch {
      /* cut by the tail's limit */
    }
  }
  return last;
}

/**
 * The first example of each check from k6's log (already scrubbed of secrets by the runner's stream).
 * k6 prints a console message Go-quoted in `msg="…"`: Go's escapes are JSON's, but for \xNN.
 */
export function examplesFromLog(text: string): FailureExample[] {
  const out = new Map<string, FailureExample>();
  const re = /msg="first failed response ((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    try {
      const unquoted = unquoteGo(m[1] as string);
      const e = JSON.parse(unquoted) as { check?: unknown; status?: unknown; body?: unknown };
      if (typeof e.check !== 'string' || typeof e.status !== 'number' || out.has(e.check)) continue;
      const body = typeof e.body === 'string' ? e.body : '';
      out.set(e.check, { check: e.check, status: e.status, body: maskPans(body.length > BODY_PAGE_CHARS ? `${body.slice(0, BODY_PAGE_CHARS)}…` : body) });
    } catch {
      /* a line cut by the log's own limits: skip it */
    }
  }
  return [...out.values()];
}
