/**
 * An in-memory stand-in for the fictional Acme Pay API (tests/fixtures/openapi/acme-pay.yaml).
 *
 * It exists so the kit can be tested against a contract that is deliberately unlike the sandbox's:
 * form-encoded bodies with bracket keys, HTTP basic auth, 200 for creates, no /health. It is strict on
 * purpose (undeclared, repeated or malformed parameters are 400s) because its job in the tests is to
 * make a wrong request mapping fail loudly instead of passing by accident.
 *
 * Only node:http, so the tests do not depend on the sandbox's framework. One file, longer than most:
 * the whole contract (routes, validation, state) reads in one place beside the spec it serves.
 *
 *   npx tsx tests/helpers/standin-api.ts --port 12111 [--key sk_test_x]   # prints its URL
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Standin {
  url: string;
  key: string;
  /** Successful (2xx) answers per operationId, to compare with what k6 reported. */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

export const STANDIN_DEFAULT_KEY = 'sk_test_standin';
export const DECLINED_CARD = '4000000000000002';

const FORM = 'application/x-www-form-urlencoded';
const MAX_BODY_BYTES = 64 * 1024;
const CURRENCIES = ['usd', 'eur', 'gbp', 'cad', 'aud'] as const;
const MAX_AMOUNT = 99_999_999;

type ErrorType = 'invalid_request_error' | 'authentication_error' | 'card_error';

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

const invalid = (param: string, message: string, code = 'parameter_invalid') =>
  new ApiError(400, 'invalid_request_error', message, code, param);
const missing = (param: string) => invalid(param, `Missing required param: ${param}.`, 'parameter_missing');

/** A parsed form: bracket keys become nested objects, so `card[number]=4242…` is `{card: {number: '4242…'}}`. */
interface Form {
  [key: string]: string | Form;
}

/**
 * URLSearchParams does the percent- and plus-decoding; the brackets are split here. Repeats and a key used
 * both as a value and as an object are rejected rather than resolved by "last one wins", because either
 * one means the client built its body wrongly.
 */
export function parseForm(text: string): Form {
  const root: Form = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const m = /^([^[\]]+)((?:\[[^[\]]+\])*)$/.exec(rawKey);
    if (!m) throw invalid(rawKey, `Invalid parameter name: ${rawKey}.`);
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]+)\]/g)].map((x) => x[1]!)];
    let node = root;
    path.forEach((segment, i) => {
      const here = bracket(path.slice(0, i + 1));
      const existing = node[segment];
      if (i === path.length - 1) {
        if (existing !== undefined) throw invalid(here, `Parameter ${here} was given more than once.`);
        node[segment] = value;
      } else {
        if (typeof existing === 'string') throw invalid(here, `Parameter ${here} cannot be both a value and an object.`);
        node = existing ?? (node[segment] = {});
      }
    });
  }
  return root;
}

/** ['card', 'number'] -> 'card[number]', the form in which errors name a field. */
const bracket = (path: string[]) => path[0] + path.slice(1).map((p) => `[${p}]`).join('');

function rejectUnknown(form: Form, allowed: readonly string[], prefix: string[] = []): void {
  for (const key of Object.keys(form)) {
    if (!allowed.includes(key)) {
      const param = bracket([...prefix, key]);
      throw invalid(param, `Received unknown parameter: ${param}.`, 'parameter_unknown');
    }
  }
}

function str(form: Form, key: string, param: string): string | undefined {
  const v = form[key];
  if (v !== undefined && typeof v !== 'string') throw invalid(param, `${param} must be a string.`);
  return v;
}

function obj(form: Form, key: string, param: string): Form | undefined {
  const v = form[key];
  if (typeof v === 'string') throw invalid(param, `${param} must be an object (use ${param}[field]=...).`);
  return v;
}

/** Strict decimal digits: "12.0", "1e3", "" or "NaN" are rejected rather than coerced. */
function int(raw: string, param: string, min: number, max: number): number {
  if (!/^-?[0-9]{1,15}$/.test(raw)) throw invalid(param, `${param} must be an integer.`, 'parameter_invalid_integer');
  const n = Number(raw);
  if (n < min || n > max) throw invalid(param, `${param} must be between ${min} and ${max}.`);
  return n;
}

interface Card {
  number: string;
  exp_month: number;
  exp_year: number;
}

interface Intent {
  id: string;
  amount: number;
  amount_refunded: number;
  currency: string;
  status: 'requires_confirmation' | 'succeeded';
  card: Card;
  description: string | null;
  metadata: Record<string, string>;
  created: number;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const newId = (prefix: string) => prefix + [...randomBytes(24)].map((b) => ALNUM[b % ALNUM.length]).join('');
const now = () => Math.floor(Date.now() / 1000);

/** The public view: the full card number stays inside, as a real provider would never echo it. */
const intentView = (p: Intent) => ({
  id: p.id,
  object: 'payment_intent',
  amount: p.amount,
  amount_refunded: p.amount_refunded,
  currency: p.currency,
  status: p.status,
  card: { last4: p.card.number.slice(-4), exp_month: p.card.exp_month, exp_year: p.card.exp_year },
  description: p.description,
  metadata: p.metadata,
  created: p.created,
});

interface Request {
  params: Record<string, string>;
  query: URLSearchParams;
  form: Form;
}
type Answer = { status: number; body: unknown };
interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  operationId: string;
  query?: readonly string[];
  handle(req: Request): Answer;
}

function createRoutes(): Route[] {
  const intents = new Map<string, Intent>();
  const order: Intent[] = [];

  const findIntent = (id: string) => {
    const p = intents.get(id);
    if (!p) throw new ApiError(404, 'invalid_request_error', `No such payment_intent: '${id}'.`, 'resource_missing', 'intent');
    return p;
  };

  // Declines happen when money would move (create with confirm=true, or confirm), as with real processors.
  const charge = (p: Intent) => {
    if (p.card.number === DECLINED_CARD) throw new ApiError(402, 'card_error', 'Your card was declined.', 'card_declined');
    p.status = 'succeeded';
  };

  const createIntent = ({ form }: Request): Answer => {
    rejectUnknown(form, ['amount', 'currency', 'card', 'description', 'metadata', 'confirm']);
    const amountRaw = str(form, 'amount', 'amount');
    if (amountRaw === undefined) throw missing('amount');
    const amount = int(amountRaw, 'amount', 50, MAX_AMOUNT);

    const currency = str(form, 'currency', 'currency');
    if (currency === undefined) throw missing('currency');
    if (!(CURRENCIES as readonly string[]).includes(currency)) {
      throw invalid('currency', `currency must be one of ${CURRENCIES.join(', ')}.`);
    }

    const card = obj(form, 'card', 'card');
    if (card === undefined) throw missing('card');
    rejectUnknown(card, ['number', 'exp_month', 'exp_year', 'cvc'], ['card']);
    const field = (k: string) => {
      const v = str(card, k, `card[${k}]`);
      if (v === undefined) throw missing(`card[${k}]`);
      return v;
    };
    const number = field('number');
    if (!/^[0-9]{12,19}$/.test(number)) throw invalid('card[number]', 'card[number] must be 12 to 19 digits.', 'invalid_number');
    const expMonth = int(field('exp_month'), 'card[exp_month]', 1, 12);
    const expYear = int(field('exp_year'), 'card[exp_year]', 2000, 2099);
    if (!/^[0-9]{3,4}$/.test(field('cvc'))) throw invalid('card[cvc]', 'card[cvc] must be 3 or 4 digits.', 'invalid_cvc');
    const today = new Date();
    const thisYear = today.getUTCFullYear();
    if (expYear * 12 + expMonth < thisYear * 12 + today.getUTCMonth() + 1) {
      const param = expYear < thisYear ? 'card[exp_year]' : 'card[exp_month]';
      throw invalid(param, 'The card has expired.', 'invalid_expiry');
    }

    const description = str(form, 'description', 'description');
    if (description !== undefined && (description.length < 1 || description.length > 500)) {
      throw invalid('description', 'description must be 1 to 500 characters.');
    }

    const metadataForm = obj(form, 'metadata', 'metadata');
    const metadata: Record<string, string> = {};
    if (metadataForm) {
      rejectUnknown(metadataForm, ['order_id'], ['metadata']);
      const orderId = str(metadataForm, 'order_id', 'metadata[order_id]');
      if (orderId !== undefined) {
        if (orderId.length < 1 || orderId.length > 100) {
          throw invalid('metadata[order_id]', 'metadata[order_id] must be 1 to 100 characters.');
        }
        metadata['order_id'] = orderId;
      }
    }

    const confirmRaw = str(form, 'confirm', 'confirm');
    if (confirmRaw !== undefined && confirmRaw !== 'true' && confirmRaw !== 'false') {
      throw invalid('confirm', 'confirm must be true or false.', 'parameter_invalid_boolean');
    }

    const p: Intent = {
      id: newId('pi_'),
      amount,
      amount_refunded: 0,
      currency,
      status: 'requires_confirmation',
      card: { number, exp_month: expMonth, exp_year: expYear },
      description: description ?? null,
      metadata,
      created: now(),
    };
    // Charged before it is stored: a declined create leaves nothing behind (the spec's CardDeclined).
    if (confirmRaw === 'true') charge(p);
    intents.set(p.id, p);
    order.push(p);
    return { status: 200, body: intentView(p) };
  };

  const confirmIntent = ({ params, form }: Request): Answer => {
    rejectUnknown(form, []);
    const p = findIntent(params['intent']!);
    // Idempotent by design, as documented: a retried confirm must not fail or charge twice.
    if (p.status !== 'succeeded') charge(p);
    return { status: 200, body: intentView(p) };
  };

  const listIntents = ({ query }: Request): Answer => {
    const raw = query.get('limit');
    const limit = raw === null ? 10 : int(raw, 'limit', 1, 100);
    const data = order.slice(-limit).reverse().map(intentView);
    return { status: 200, body: { object: 'list', data, has_more: order.length > limit } };
  };

  const createRefund = ({ form }: Request): Answer => {
    rejectUnknown(form, ['payment_intent', 'amount']);
    const id = str(form, 'payment_intent', 'payment_intent');
    const amountRaw = str(form, 'amount', 'amount');
    const requested = amountRaw === undefined ? undefined : int(amountRaw, 'amount', 1, MAX_AMOUNT);
    if (id === undefined) throw missing('payment_intent');
    const p = intents.get(id);
    if (!p) throw invalid('payment_intent', `No such payment_intent: '${id}'.`, 'resource_missing');
    if (p.status !== 'succeeded') {
      throw invalid('payment_intent', `PaymentIntent ${id} has status ${p.status}; only a succeeded one can be refunded.`, 'payment_intent_unexpected_state');
    }
    const left = p.amount - p.amount_refunded;
    if (left === 0) throw invalid('payment_intent', `PaymentIntent ${id} has already been refunded in full.`, 'charge_already_refunded');
    const amount = requested ?? left;
    if (amount > left) throw invalid('amount', `Refund amount ${amount} is greater than what is left to refund (${left}).`, 'amount_too_large');
    p.amount_refunded += amount;
    return {
      status: 200,
      body: { id: newId('re_'), object: 'refund', amount, payment_intent: p.id, status: 'succeeded', created: now() },
    };
  };

  const balance = (): Answer => {
    const currencies = [...new Set(order.map((p) => p.currency))];
    if (currencies.length === 0) currencies.push('usd');
    const sum = (c: string, f: (p: Intent) => number) =>
      order.filter((p) => p.currency === c).reduce((a, p) => a + f(p), 0);
    return {
      status: 200,
      body: {
        object: 'balance',
        available: currencies.map((c) => ({ currency: c, amount: sum(c, (p) => (p.status === 'succeeded' ? p.amount - p.amount_refunded : 0)) })),
        pending: currencies.map((c) => ({ currency: c, amount: sum(c, (p) => (p.status === 'succeeded' ? 0 : p.amount)) })),
      },
    };
  };

  return [
    { method: 'POST', pattern: /^\/v1\/payment_intents$/, operationId: 'createPaymentIntent', handle: createIntent },
    { method: 'GET', pattern: /^\/v1\/payment_intents$/, operationId: 'listPaymentIntents', query: ['limit'], handle: listIntents },
    { method: 'GET', pattern: /^\/v1\/payment_intents\/(?<intent>[^/]+)$/, operationId: 'retrievePaymentIntent', handle: ({ params }) => ({ status: 200, body: intentView(findIntent(params['intent']!)) }) },
    { method: 'POST', pattern: /^\/v1\/payment_intents\/(?<intent>[^/]+)\/confirm$/, operationId: 'confirmPaymentIntent', handle: confirmIntent },
    { method: 'POST', pattern: /^\/v1\/refunds$/, operationId: 'createRefund', handle: createRefund },
    { method: 'GET', pattern: /^\/v1\/balance$/, operationId: 'retrieveBalance', handle: balance },
  ];
}

function authorized(header: string | undefined, key: string): boolean {
  const m = /^basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // The password is ignored, as the spec says: the key alone identifies the caller.
  return (colon === -1 ? decoded : decoded.slice(0, colon)) === key;
}

async function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Drains the whole body even past the limit, so the 400 reaches a client still sending.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY_BYTES };
}

/** The form of a POST. A body is optional (confirm has none), but a present one must be form-encoded. */
function formOf(text: string, contentType: string | undefined): Form {
  if (text.length === 0) return {};
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  // A JSON body sent under the form Content-Type is refused too: parsed as a form it would turn into one
  // unknown parameter named after the whole document, a confusing message for the same mistake.
  if (mime !== FORM || /^\s*[[{]/.test(text)) {
    throw new ApiError(400, 'invalid_request_error', `Request bodies must be form-encoded (Content-Type: ${FORM}), e.g. amount=2000&card[number]=4242424242424242.`);
  }
  return parseForm(text);
}

export function startStandin(opts: { port?: number; key?: string } = {}): Promise<Standin> {
  const key = opts.key ?? STANDIN_DEFAULT_KEY;
  const routes = createRoutes();
  const counts: Record<string, number> = {};

  const send = (res: ServerResponse, { status, body }: Answer) => {
    const text = JSON.stringify(body);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
    if (status === 401) headers['www-authenticate'] = 'Basic realm="Acme Pay"';
    res.writeHead(status, headers).end(text);
  };

  const answer = async (req: IncomingMessage): Promise<Answer & { operationId?: string }> => {
    const body = await readBody(req);
    if (!authorized(req.headers.authorization, key)) {
      throw new ApiError(401, 'authentication_error', 'Invalid API key: send it as the HTTP basic username, with an empty password.');
    }
    const url = new URL(req.url ?? '/', 'http://standin');
    for (const route of routes) {
      const m = route.pattern.exec(url.pathname);
      if (!m || route.method !== req.method) continue;
      for (const name of new Set(url.searchParams.keys())) {
        if (!route.query?.includes(name)) throw invalid(name, `Received unknown parameter: ${name}.`, 'parameter_unknown');
        if (url.searchParams.getAll(name).length > 1) throw invalid(name, `Parameter ${name} was given more than once.`);
      }
      if (body.tooLarge) throw new ApiError(400, 'invalid_request_error', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
      const form = req.method === 'POST' ? formOf(body.text, req.headers['content-type']) : {};
      const params = { ...m.groups } as Record<string, string>;
      return { ...route.handle({ params, query: url.searchParams, form }), operationId: route.operationId };
    }
    throw new ApiError(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${url.pathname}).`);
  };

  const server = createServer((req, res) => {
    answer(req).then(
      (a) => {
        if (a.operationId && a.status >= 200 && a.status < 300) counts[a.operationId] = (counts[a.operationId] ?? 0) + 1;
        send(res, a);
      },
      (err: unknown) => {
        if (err instanceof ApiError) {
          const error = { type: err.type, message: err.message, ...(err.code && { code: err.code }), ...(err.param && { param: err.param }) };
          send(res, { status: err.status, body: { error } });
        } else {
          // A bug in the stand-in, not a documented answer: make it visible to the test that met it.
          console.error(err);
          if (!res.headersSent) send(res, { status: 500, body: { error: { type: 'api_error', message: String(err) } } });
        }
      },
    );
  });

  return new Promise((resolveStart, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolveStart({
        url: `http://127.0.0.1:${port}`,
        key,
        counts: () => ({ ...counts }),
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            // k6 keeps connections alive; without this close() would wait for them to time out.
            server.closeAllConnections();
          }),
      });
    });
  });
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const portArg = argValue(args, '--port') ?? '12111';
  const port = Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer 0..65535, got ${portArg}`);
    process.exit(2);
  }
  const standin = await startStandin({ port, key: argValue(args, '--key') ?? STANDIN_DEFAULT_KEY });
  console.log(standin.url);
  console.error(`Acme Pay stand-in: HTTP basic, username ${standin.key}, empty password. Ctrl-C stops it.`);
  const stop = () => void standin.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
