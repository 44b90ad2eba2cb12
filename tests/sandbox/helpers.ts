/** Shared test helpers: start the sandbox in-process on random ports and talk to it over real HTTP. */
import { request as httpRequest } from 'node:http';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/server.ts';
import { checkResponse, type Service } from './spec.ts';

export const TOKEN = 'sandbox-token';
export const AUTH = { authorization: `Bearer ${TOKEN}` };

export const VISA = { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvv: '123' };
export const MASTERCARD = { number: '5555555555554444', exp_month: 1, exp_year: 2031, cvv: '999' };
export const AMEX = { number: '378282246310005', exp_month: 6, exp_year: 2032, cvv: '1234' };
export const DECLINES: Record<string, string> = {
  '4000000000000002': 'generic_decline',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'do_not_honor',
  '5105105105105100': 'do_not_honor',
};

export function paymentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { merchant_id: 'merch_1', amount: 1999, currency: 'USD', card: VISA, ...overrides };
}

export function authorizationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { merchant_id: 'merch_1', amount: 5000, currency: 'EUR', card: VISA, ...overrides };
}

export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** sent verbatim instead of JSON.stringify(body) */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
  /** false: no Authorization header; string: that token */
  auth?: boolean | string;
  /** false: skip the OpenAPI response check for this call */
  contract?: boolean;
}

export class Client {
  constructor(readonly sb: Pick<Sandbox, 'paymentUrl' | 'bankingUrl'>) {}

  pay<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<Res<T>> {
    return this.call('payment', method, path, opts);
  }

  bank<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<Res<T>> {
    return this.call('banking', method, path, opts);
  }

  async call<T = any>(service: Service, method: string, path: string, opts: CallOptions = {}): Promise<Res<T>> {
    const base = service === 'payment' ? this.sb.paymentUrl : this.sb.bankingUrl;
    const headers: Record<string, string> = {};
    if (opts.auth !== false) headers.authorization = `Bearer ${typeof opts.auth === 'string' ? opts.auth : TOKEN}`;
    let body: string | Uint8Array | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, opts.headers);
    const res = await fetch(base + path, { method, headers, body });
    const text = await res.text();
    const ct = res.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (ct.startsWith('application/json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Error(`${method} ${path}: content-type is JSON but body is not: ${text.slice(0, 200)}`);
      }
    }
    if (opts.contract !== false) checkResponse(service, method, path, res.status, ct, parsed);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }
}

export async function start(options: SandboxOptions = {}): Promise<{ sb: Sandbox; api: Client }> {
  const sb = await startSandbox({ paymentPort: 0, bankingPort: 0, dbPath: ':memory:', ...options });
  return { sb, api: new Client(sb) };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface RawRes {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** parsed JSON body, or undefined when the body is not JSON */
  body: any;
}

/**
 * One HTTP/1.1 request with the path sent byte for byte (fetch normalises `/./`, `%2e` and the like,
 * which would hide exactly the encodings the hostile tests need to send).
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Uint8Array } = {},
): Promise<RawRes> {
  const url = new URL(baseUrl);
  const headers: Record<string, string | number> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}
