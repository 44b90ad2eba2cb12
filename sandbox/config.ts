/**
 * Sandbox configuration, parsed from environment variables.
 *
 *   PAYMENT_PORT        payment service port, 0..65535 (default 8000; 0 = random)
 *   BANKING_PORT        banking API port, 0..65535 (default 8001; 0 = random)
 *   SANDBOX_HOST        listen address (default 127.0.0.1)
 *   SANDBOX_TOKEN       bearer token(s) for every route but GET /health (default "sandbox-token");
 *                       comma-separated for several API clients, each with its own rate-limit budget
 *   SANDBOX_DB          SQLite file path, or ":memory:" (default ":memory:")
 *   SANDBOX_RATE_LIMIT  "<requests>/<window>" e.g. "100/1s", "6000/1m"; "off" or empty = disabled
 *   SANDBOX_FAULTS      fault-injection spec (see sandbox/fault-spec.ts, docs/sandbox.md)
 *   SANDBOX_BODY_LIMIT  max request body in bytes (default 1048576)
 *   SANDBOX_LOG         off | error | warn | info | debug (default off; logs go to stderr)
 *   AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, S3_BUCKET (and the MINIO_*
 *                       aliases): where POST /api/v1/data/generate stores a run when asked to (lib/s3-config.ts)
 */
import { SANDBOX_DEFAULT_PORTS, SANDBOX_DEFAULT_TOKEN } from '../lib/config.ts';
import { parseRateLimit as parseLimit } from '../lib/rate-limit.ts';
import { parseFaultSpec, type FaultSpec } from './fault-spec.ts';
import { parseS3Config, S3ConfigError, type S3Config } from '../lib/s3-config.ts';

export interface RateLimitConfig {
  limit: number;
  windowMs: number;
  /** original text, for display */
  spec: string;
}

export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

export interface SandboxConfig {
  paymentPort: number;
  bankingPort: number;
  host: string;
  /** SANDBOX_TOKEN as given: one token, or several separated by commas (see parseTokens) */
  token: string;
  dbPath: string;
  rateLimit: RateLimitConfig | null;
  faults: FaultSpec;
  bodyLimit: number;
  logLevel: LogLevel;
  /** Where generation runs are stored when a request names a sink. */
  objectStore: S3Config;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function parsePort(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const v = value.trim();
  if (!/^[0-9]{1,5}$/.test(v) || Number(v) > 65535) {
    throw new ConfigError(`${name} must be an integer 0..65535, got '${value}'`);
  }
  return Number(v);
}

export function parseRateLimit(value: string | undefined, name = 'SANDBOX_RATE_LIMIT'): RateLimitConfig | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (v === '' || v === 'off' || v === 'none' || v === '0') return null;
  const parsed = parseLimit(v);
  if (parsed === null) {
    throw new ConfigError(
      `${name} must look like '<requests>/<window>' (e.g. '100/1s', '6000/1m') or 'off', got '${value}'`,
    );
  }
  return { limit: parsed.limit, windowMs: parsed.windowMs, spec: parsed.text };
}

/**
 * SANDBOX_TOKEN holds one bearer token or several separated by commas; each token is one API client
 * (its own rate-limit budget). The message never contains the value: a token is a secret even when malformed.
 */
export function parseTokens(text: string): string[] {
  const tokens = text.split(',');
  const problem = tokens.some((t) => t === '' || /\s/.test(t))
    ? 'must be one or more non-empty tokens without whitespace, separated by commas'
    : new Set(tokens).size !== tokens.length
      ? 'lists the same token twice'
      : null;
  if (problem !== null) throw new ConfigError(`SANDBOX_TOKEN ${problem} (the value is not shown)`);
  return tokens;
}

const LOG_LEVELS: readonly LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];

export function loadConfig(env: Record<string, string | undefined> = process.env): SandboxConfig {
  const token = env.SANDBOX_TOKEN ?? SANDBOX_DEFAULT_TOKEN;
  parseTokens(token);
  const dbPath = env.SANDBOX_DB === undefined || env.SANDBOX_DB.trim() === '' ? ':memory:' : env.SANDBOX_DB;

  let bodyLimit = 1_048_576;
  if (env.SANDBOX_BODY_LIMIT !== undefined && env.SANDBOX_BODY_LIMIT.trim() !== '') {
    const v = env.SANDBOX_BODY_LIMIT.trim();
    if (!/^[0-9]{1,10}$/.test(v) || Number(v) < 1024 || Number(v) > 1_073_741_824) {
      throw new ConfigError(`SANDBOX_BODY_LIMIT must be an integer number of bytes 1024..1073741824, got '${env.SANDBOX_BODY_LIMIT}'`);
    }
    bodyLimit = Number(v);
  }

  const logRaw = (env.SANDBOX_LOG ?? 'off').trim().toLowerCase() || 'off';
  if (!(LOG_LEVELS as readonly string[]).includes(logRaw)) {
    throw new ConfigError(`SANDBOX_LOG must be one of ${LOG_LEVELS.join(', ')}, got '${env.SANDBOX_LOG}'`);
  }

  let faults: FaultSpec;
  try {
    faults = parseFaultSpec(env.SANDBOX_FAULTS ?? '');
  } catch (err) {
    throw new ConfigError(`SANDBOX_FAULTS is invalid: ${(err as Error).message}`);
  }

  const host = (env.SANDBOX_HOST ?? '127.0.0.1').trim() || '127.0.0.1';

  let objectStore: S3Config;
  try {
    objectStore = parseS3Config(env);
  } catch (err) {
    if (err instanceof S3ConfigError) throw new ConfigError(err.problems.join('; '));
    throw err;
  }

  return {
    paymentPort: parsePort('PAYMENT_PORT', env.PAYMENT_PORT, SANDBOX_DEFAULT_PORTS.payment),
    bankingPort: parsePort('BANKING_PORT', env.BANKING_PORT, SANDBOX_DEFAULT_PORTS.banking),
    host,
    token,
    dbPath,
    rateLimit: parseRateLimit(env.SANDBOX_RATE_LIMIT),
    faults,
    bodyLimit,
    logLevel: logRaw as LogLevel,
    objectStore,
  };
}
