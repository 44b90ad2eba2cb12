// Typed test configuration from environment variables, validated once before any load.
// Pure: k6 passes __ENV, Node passes process.env. Every error names its variable, and all
// problems are reported together so a user fixes them in one go.

export type Env = Record<string, string | undefined>;

// Where each service is and its credential are not here: they belong to the service (lib/services/define.ts).
export interface Config {
  minWaitMs: number;
  maxWaitMs: number;
  /** Multiplies persona think times (realistic scenario): 0.1 runs personas ten times faster. */
  thinkTimeScale: number;
  simulateFailures: boolean;
  cardDeclineRate: number;
  refundProbability: number;
  merchantCount: number;
  customerCount: number;
  /** Drives the built-in dataset and every per-VU choice: same seed, same request sequence per VU. */
  seed: number;
  profile: string;
  /** Hosts a heavier-than-smoke profile may target without ALLOW_REMOTE_LOAD=true. */
  allowedHosts: string[];
  allowRemoteLoad: boolean;
  dataDir: string | null;
}

/** The sandbox's token: used only for the sandbox's own services on a loopback host, so a real service never gets it. */
export const SANDBOX_DEFAULT_TOKEN = 'sandbox-token';
/** Where the sandbox listens by default (sandbox/config.ts), and so where the kit looks for it. */
export const SANDBOX_DEFAULT_PORTS = { payment: 8000, banking: 8001 } as const;

export const DEFAULTS = {
  PAYMENT_SERVICE_URL: `http://127.0.0.1:${SANDBOX_DEFAULT_PORTS.payment}`,
  BANKING_API_URL: `http://127.0.0.1:${SANDBOX_DEFAULT_PORTS.banking}`,
  // Short waits, so a 20 s smoke run judges every endpoint on enough requests: each endpoint has its own
  // error budget, and a 10%-weight endpoint failing 5% of the time must show up (about 95 of its requests,
  // docs/reports.md). The Locust suite's 1000..5000 ms human pacing is one env var away.
  MIN_WAIT_TIME: 20,
  MAX_WAIT_TIME: 100,
  CARD_DECLINE_RATE: 0.05,
  REFUND_PROBABILITY: 0.1,
  MERCHANT_COUNT: 10,
  CUSTOMER_COUNT: 1000,
  SEED: 42,
  PROFILE: 'smoke',
  ALLOWED_HOSTS: 'localhost,127.0.0.1,::1,[::1]',
} as const;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/** Host of an http(s) URL, or null. Regex-based because k6 has no WHATWG URL global. */
export function urlHost(url: string): string | null {
  const m = /^https?:\/\/(\[[^\]]+\]|[^/:?#]+)(:\d+)?(\/[^?#]*)?(\?[^#]*)?$/i.exec(url);
  return m ? (m[1] as string).toLowerCase() : null;
}

export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  url(name: string, fallback: string): string {
    const v = this.raw(name) ?? fallback;
    const m = /^https?:\/\/(\[[^\]]+\]|[^/:?#]+)(:(\d+))?(\/[^?#]*)?$/i.exec(v);
    if (!m) {
      const hint = /^[\w.-]+(:\d+)?(\/.*)?$/.test(v) ? ` (did you mean http://${v}?)` : '';
      this.problems.push(`${name} is not an http(s) URL: '${v}'${hint}`);
      return fallback;
    }
    if (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 65535)) {
      this.problems.push(`${name} has a port outside 1..65535: '${v}'`);
    }
    return v.replace(/\/+$/, '');
  }

  number(name: string, fallback: number, opts: { min?: number; max?: number; integer?: boolean; what?: string } = {}): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    const { min = -Infinity, max = Infinity, integer = false } = opts;
    const what = opts.what ?? (integer ? 'an integer' : 'a number');
    const range = min > -Infinity && max < Infinity ? ` in ${min}..${max}` : min > -Infinity ? ` >= ${min}` : '';
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      this.problems.push(`${name} must be ${what}${range}, got '${v}'`);
      return fallback;
    }
    return n;
  }

  rate(name: string, fallback: number): number {
    return this.number(name, fallback, { min: 0, max: 1, what: 'a rate' });
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    this.problems.push(`${name} must be true or false, got '${v}'`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(v)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}; got '${v}'`);
      return fallback;
    }
    return v as T;
  }

  /** Throws one ConfigError listing every problem seen so far. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

/** Parses the shared test configuration. `profiles` is the list of known profile names. */
export function parseConfig(env: Env, profiles: readonly string[]): Config {
  const r = new EnvReader(env);
  const minWaitMs = r.number('MIN_WAIT_TIME', DEFAULTS.MIN_WAIT_TIME, { min: 0, what: 'milliseconds' });
  const maxWaitMs = r.number('MAX_WAIT_TIME', DEFAULTS.MAX_WAIT_TIME, { min: 0, what: 'milliseconds' });
  if (maxWaitMs < minWaitMs) r.problems.push(`MAX_WAIT_TIME (${maxWaitMs}) must be >= MIN_WAIT_TIME (${minWaitMs})`);
  const profile = r.oneOf('PROFILE', DEFAULTS.PROFILE, profiles);

  const allowedHosts = (r.raw('ALLOWED_HOSTS') ?? DEFAULTS.ALLOWED_HOSTS)
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);

  const config: Config = {
    minWaitMs,
    maxWaitMs,
    thinkTimeScale: r.number('THINK_TIME_SCALE', 1, { min: 0, max: 100 }),
    simulateFailures: r.bool('SIMULATE_FAILURES', false),
    cardDeclineRate: r.rate('CARD_DECLINE_RATE', DEFAULTS.CARD_DECLINE_RATE),
    refundProbability: r.rate('REFUND_PROBABILITY', DEFAULTS.REFUND_PROBABILITY),
    merchantCount: r.number('MERCHANT_COUNT', DEFAULTS.MERCHANT_COUNT, { min: 1, max: 100_000, integer: true }),
    customerCount: r.number('CUSTOMER_COUNT', DEFAULTS.CUSTOMER_COUNT, { min: 1, max: 10_000_000, integer: true }),
    seed: r.number('SEED', DEFAULTS.SEED, { min: 0, max: 2 ** 32 - 1, integer: true }),
    profile,
    allowedHosts,
    allowRemoteLoad: r.bool('ALLOW_REMOTE_LOAD', false),
    dataDir: r.raw('DATA_DIR') ?? null,
  };
  r.done();
  return config;
}

/** Why a bearer token cannot be sent in a header, or null when it can (visible ASCII, no spaces). */
export function tokenProblem(token: string): string | null {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x21 || c === 0x7f) return `contains a control character or a space at position ${i + 1}`;
    if (c > 0x7e) return `contains a non-ASCII character at position ${i + 1}`;
  }
  return null;
}

/**
 * Variables whose values are secrets by their name: AUTH_TOKEN, SANDBOX_TOKEN, a generated service's
 * ACME_TOKEN, ACME_USER (an API key sent as the basic-auth user), ACME_PASSWORD, any *_SECRET or *_KEY.
 */
export const SECRET_VARIABLE = /^(?!SUDO_)[A-Z][A-Z0-9_]*_(TOKEN|USER|PASSWORD|SECRET|KEY)$/; // SUDO_USER names the shell's own user

/**
 * The secrets a run's output must never contain: every value of a variable named as a secret
 * (SECRET_VARIABLE; SANDBOX_TOKEN may list several), and the sandbox's default token, which a local
 * sandbox target gets when AUTH_TOKEN is unset.
 */
export function secretsOf(env: Env): string[] {
  const out = new Set<string>();
  const auth = env.AUTH_TOKEN?.trim().replace(/^Bearer\s+/i, '');
  out.add(auth ? auth : SANDBOX_DEFAULT_TOKEN);
  for (const [name, value] of Object.entries(env)) {
    if (!value || !SECRET_VARIABLE.test(name)) continue;
    for (const part of name === 'SANDBOX_TOKEN' ? value.split(',') : [value.replace(/^Bearer\s+/i, '')]) if (part.trim()) out.add(part.trim());
  }
  return [...out];
}

/** Replaces every occurrence of each secret in text, for anything that may reach a log or report. */
export function redact(text: string, secrets: string | readonly string[]): string {
  // Longest first, so a secret that contains another is replaced whole.
  const list = (typeof secrets === 'string' ? [secrets] : [...secrets]).sort((a, b) => b.length - a.length);
  for (const secret of list) {
    if (secret.length >= 4 && text.includes(secret)) text = text.split(secret).join('[REDACTED]');
  }
  return text;
}
