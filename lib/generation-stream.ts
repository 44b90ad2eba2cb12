// What the data-generation scenario checks of the target's generation endpoint: which statuses a
// concurrent trigger may get, and the NDJSON stream's record count and framing. Pure, unit-tested in Node.

/** Concurrent triggers may be served (2xx) or turned away politely (409 busy, 429 throttled, 503 unavailable). */
export function generationStatusAcceptable(status: number): boolean {
  return (status >= 200 && status <= 299) || status === 409 || status === 429 || status === 503;
}

export const GEN_ACCEPTABLE_STATUSES: readonly number[] = [
  ...Array.from({ length: 100 }, (_, i) => 200 + i),
  409,
  429,
  503,
];

export interface NdjsonSummary {
  records: number;
  bytes: number;
  /** First and last records parse as JSON objects with a numeric `seq` (1 and `records`). */
  framingOk: boolean;
}

/** Counts NDJSON records without parsing every line; parses the first and last to check the framing. */
export function summarizeNdjson(body: string): NdjsonSummary {
  let records = 0;
  let start = 0;
  let lastStart = 0;
  let lastEnd = 0;
  while (start < body.length) {
    let nl = body.indexOf('\n', start);
    if (nl === -1) nl = body.length;
    if (nl > start) {
      records++;
      lastStart = start;
      lastEnd = nl;
    }
    start = nl + 1;
  }
  const seqOf = (line: string): number | null => {
    try {
      const o = JSON.parse(line) as { seq?: unknown } | null;
      return o !== null && typeof o === 'object' && typeof o.seq === 'number' ? o.seq : null;
    } catch {
      return null;
    }
  };
  let framingOk = records > 0;
  if (framingOk) {
    const firstNl = body.indexOf('\n');
    const first = seqOf(body.slice(0, firstNl === -1 ? body.length : firstNl));
    const last = seqOf(body.slice(lastStart, lastEnd));
    framingOk = first === 1 && last === records;
  }
  return { records, bytes: body.length, framingOk };
}
