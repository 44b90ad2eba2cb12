// The thresholds of a bundle, as `k6 inspect` prints them, turned into values the coordinator can judge
// over merged data: which metric, which tags select the sub-metric, which statistic, which bound.
// Pure, tested in Node.

export type Op = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface Threshold {
  /** As k6 names it: `http_req_duration{name:POST /api/v1/payments}`. */
  key: string;
  metric: string;
  /** Sub-metric tag selectors, e.g. {name: 'POST /api/v1/payments'}. */
  tags: Record<string, string>;
  /** As written: `p(95)<500`. */
  expression: string;
  /** `p(95)`, `avg`, `min`, `max`, `med`, `count`, `rate`, `value`. */
  stat: string;
  op: Op;
  bound: number;
  abortOnFail: boolean;
  /** How long into the run an abortOnFail threshold waits before it is first evaluated. */
  delayAbortEvalSeconds: number;
}

type Inspected = Record<string, Array<string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string | null }>>;

/** k6 durations as thresholds write them: `5s`, `1m30s`, `500ms`; empty is 0. */
export function durationSeconds(text: string | null | undefined): number {
  if (!text) return 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let used = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    used += m[0].length;
  }
  if (used !== text.length) throw new Error(`delayAbortEval '${text}' is not a duration such as 10s`);
  return total;
}

/** `http_req_duration{name:POST /a,scenario:x}` -> metric and tags (k6 splits tags on ',' and ':'). */
export function parseKey(key: string): { metric: string; tags: Record<string, string> } {
  const open = key.indexOf('{');
  if (open < 0) return { metric: key.trim(), tags: {} };
  if (!key.endsWith('}')) throw new Error(`threshold metric '${key}' has an unclosed '{'`);
  const tags: Record<string, string> = {};
  for (const part of key.slice(open + 1, -1).split(',')) {
    const colon = part.indexOf(':');
    if (colon < 0) throw new Error(`threshold metric '${key}': tag '${part}' is not name:value`);
    tags[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
  }
  return { metric: key.slice(0, open).trim(), tags };
}

const EXPRESSION = /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/;

export function parseExpression(expression: string): { stat: string; op: Op; bound: number } {
  const m = EXPRESSION.exec(expression);
  if (!m) throw new Error(`threshold '${expression}' is not '<stat> <op> <number>' (e.g. p(95)<500)`);
  return { stat: m[1] as string, op: m[2] as Op, bound: Number(m[3]) };
}

/** Every threshold in `k6 inspect`'s `thresholds` object, in a stable order. */
export function thresholdsFromInspect(inspected: Inspected | null | undefined): Threshold[] {
  const out: Threshold[] = [];
  for (const [key, list] of Object.entries(inspected ?? {})) {
    const { metric, tags } = parseKey(key);
    for (const item of list) {
      const expression = typeof item === 'string' ? item : item.threshold;
      const abortOnFail = typeof item === 'string' ? false : item.abortOnFail === true;
      const delayAbortEvalSeconds = typeof item === 'string' ? 0 : durationSeconds(item.delayAbortEval);
      out.push({ key, metric, tags, expression, ...parseExpression(expression), abortOnFail, delayAbortEvalSeconds });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key) || a.expression.localeCompare(b.expression));
}

export function holds(observed: number, op: Op, bound: number): boolean {
  switch (op) {
    case '<': return observed < bound;
    case '<=': return observed <= bound;
    case '>': return observed > bound;
    case '>=': return observed >= bound;
    case '==': case '===': return observed === bound;
    case '!=': return observed !== bound;
  }
}

/** The percentile a stat asks for, as a quantile (p(95) -> 0.95, med -> 0.5), or null. */
export function quantileOf(stat: string): number | null {
  if (stat === 'med') return 0.5;
  const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
  return m ? Number(m[1]) / 100 : null;
}
