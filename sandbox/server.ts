/**
 * startSandbox(): one process, two fastify listeners sharing one SQLite database.
 *   payment service -> sandbox/payment/routes.ts
 *   banking API     -> sandbox/banking/routes.ts
 * Cross-cutting concerns are one onRequest hook: bearer auth -> rate limit -> fault injection, all
 * classified by the route the router matched (req.routeOptions.url), never by the raw URL, so an
 * encoded path ("/%61pi/v1/payments") is the same route as its plain form. Default deny: every route,
 * and every unknown path, needs a bearer token except the public GET /health. A known path asked with a
 * method it has no route for answers 405 with `Allow` (after auth and the rate limit, before any body is read).
 * One preValidation hook checks every client string and the body's depth (sandbox/input-guard.ts).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { DatabaseSync } from 'node:sqlite';
import { bearerChecker } from './auth.ts';
import { registerBankingRoutes } from './banking/routes.ts';
import { registerCommonRoutes } from './common.ts';
import { loadConfig, parseRateLimit, parseTokens, type RateLimitConfig, type SandboxConfig } from './config.ts';
import type { SandboxState } from './state.ts';
import { openDatabase, type SandboxDb } from './db.ts';
import { ApiError, clientErrorHandler, installErrorHandling, sendError } from './errors.ts';
import { FaultInjector, parseFaultSpec, type FaultSpec } from './faults.ts';
import { checkJsonBody, checkStringMap, paramWhere, tryDecode, undecodableParam } from './input-guard.ts';
import { registerPaymentRoutes } from './payment/routes.ts';
import { RateLimiter, type RateDecision } from './rate-limit.ts';
import { RouteTable } from './route-table.ts';
import { MAX_ID_LENGTH } from './json-schemas.ts';
import { bodyAjv, paramAjv } from './validation.ts';

export type SandboxOptions = Partial<Omit<SandboxConfig, 'faults' | 'rateLimit'>> & {
  /** fault spec, as text (SANDBOX_FAULTS syntax) or parsed */
  faults?: FaultSpec | string;
  /** "100/1s" style text, parsed config, or null for off */
  rateLimit?: RateLimitConfig | string | null;
};

export interface Sandbox {
  paymentUrl: string;
  bankingUrl: string;
  paymentPort: number;
  bankingPort: number;
  config: SandboxConfig;
  /** raw node:sqlite handle (tests may inspect tables) */
  db: DatabaseSync;
  sdb: SandboxDb;
  faults: FaultInjector;
  close(): Promise<void>;
}


/** Routes that need no token: the liveness probe (HEAD is fastify's automatic twin of the GET). */
const PUBLIC_ROUTES = new Set(['GET /health', 'HEAD /health']);

/** The request path as sent (query excluded). */
function rawPath(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The request path, percent-decoded as the router sees it (query excluded). */
function decodedPath(url: string): string {
  const raw = rawPath(url);
  return tryDecode(raw) ?? raw;
}

const braceTemplates = new Map<string, string>();
/** fastify's '/api/v1/payments/:id' as '/api/v1/payments/{id}', the form fault scopes and k6 names use. */
function braceTemplate(url: string): string {
  let t = braceTemplates.get(url);
  if (t === undefined) {
    t = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    braceTemplates.set(url, t);
  }
  return t;
}

function rateLimited(limiter: RateLimiter, d: RateDecision): ApiError {
  return new ApiError(429, 'rate_limited', `rate limit of ${limiter.config.spec} exceeded; retry in ${d.retryAfterSec}s`, {
    headers: { 'Retry-After': String(d.retryAfterSec) },
  });
}

/**
 * The router refuses a path parameter longer than this before any schema sees it. A parameter reaches the
 * router decoded except for reserved characters, which stay as three characters ('%2F'), so an id of
 * MAX_ID_LENGTH characters is at most three times as long there: every id the schemas accept is routed, and
 * the schema's maxLength, not the router, refuses a longer one.
 */
const MAX_PARAM_LENGTH = 3 * MAX_ID_LENGTH;

/** The router's own refusals, when the path has a route's shape: the parameter it breaks, and why. */
function routerParamError(code: string, path: string, templates: readonly string[]): ApiError | null {
  const field =
    code === 'FST_ERR_BAD_URL'
      ? undecodableParam(path, templates)
      : code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? paramWhere(path, templates, (segment) => segment.length > MAX_PARAM_LENGTH)
        : null;
  if (field === null) return null;
  const why = code === 'FST_ERR_BAD_URL' ? 'is not percent-encoded UTF-8' : `must NOT have more than ${MAX_ID_LENGTH} characters`;
  return new ApiError(422, 'validation_failed', `${field} ${why}`, { field });
}

function buildApp(state: SandboxState, service: 'payment' | 'banking'): FastifyInstance {
  const { config } = state;
  const app = Fastify({
    logger: config.logLevel === 'off' ? false : { level: config.logLevel, stream: process.stderr },
    bodyLimit: config.bodyLimit,
    forceCloseConnections: true,
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler,
    frameworkErrors: (err, req, reply) => {
      // A path the router cannot read: when it has a route's shape, the parameter it breaks is named.
      const named = routerParamError(err.code, rawPath(req.url), routes.templates(req.method));
      sendError(reply, named ?? new ApiError(400, 'bad_request', err.message || 'bad request'));
    },
  });
  // Each method's route templates: for 405's Allow and for naming the parameter of an unreadable path.
  const routes = new RouteTable();
  app.addHook('onRoute', (route) => routes.add(route.method, route.url));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema));
  // Only JSON bodies are accepted; without this, fastify's text/plain parser hands a string to the schema (422, not 415).
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  app.decorateRequest('faultTtfbMs', 0);

  app.addHook('preValidation', (req, _reply, done) => {
    // A POST without a body (e.g. capture with default amount) is treated as {}.
    if (req.body === undefined && (req.method === 'POST' || req.method === 'PUT')) req.body = {};
    // the public liveness probe reads no input, and answers nothing but 200
    if (PUBLIC_ROUTES.has(`${req.method} ${req.routeOptions.url}`)) {
      done();
      return;
    }
    done(checkStringMap(req.params) ?? checkStringMap(req.query) ?? checkJsonBody(req.body) ?? undefined);
  });

  const authenticate = bearerChecker(parseTokens(config.token));
  const { limiter, faults } = state;
  app.addHook('onRequest', (req, reply, done) => {
    const route = req.routeOptions.url; // undefined when no route matched (404)
    if (route !== undefined && PUBLIC_ROUTES.has(`${req.method} ${route}`)) {
      done();
      return;
    }
    const isAdmin = route !== undefined && route.startsWith('/admin/');
    const limit = limiter !== null && !isAdmin && !faults.current.noRateLimit;
    const hit = (client: string): RateDecision => {
      const d = (limiter as RateLimiter).hit(client);
      reply.header('X-RateLimit-Limit', String(d.limit)).header('X-RateLimit-Remaining', String(d.remaining));
      return d;
    };
    let client: number;
    try {
      client = authenticate(req.headers.authorization);
    } catch (err) {
      // Unauthenticated traffic has its own budget per remote address, so guessing tokens is limited
      // too and can never spend an authenticated client's budget.
      if (limit) {
        const d = hit(`anon:${req.ip}`);
        if (!d.allowed) err = rateLimited(limiter as RateLimiter, d);
      }
      done(err as Error);
      return;
    }
    // The client is the API key that authenticated, never a header the caller chooses.
    if (limit) {
      const d = hit(`key:${client}`);
      if (!d.allowed) {
        done(rateLimited(limiter as RateLimiter, d));
        return;
      }
    }
    if (route === undefined) {
      // Answered here, before the body is read: a method with no route has no body parser either.
      const allow = routes.allowed(rawPath(req.url));
      if (allow.length > 0) {
        done(
          new ApiError(405, 'method_not_allowed', `${req.method} is not allowed here; allowed: ${allow.join(', ')}`, {
            headers: { Allow: allow.join(', ') },
          }),
        );
        return;
      }
    }
    if (isAdmin) {
      done();
      return;
    }
    const path = decodedPath(req.url);
    const isApi = route !== undefined ? route.startsWith('/api/') : path.startsWith('/api/');
    if (!isApi) {
      done();
      return;
    }
    faults.apply(req, reply, done, path, route === undefined ? null : braceTemplate(route));
  });
  app.addHook('onSend', (req, _reply, payload, done) => {
    const ms = req.faultTtfbMs;
    if (ms > 0) setTimeout(() => done(null, payload), ms);
    else done(null, payload);
  });

  registerCommonRoutes(app, state, service);
  if (service === 'payment') registerPaymentRoutes(app, state);
  else registerBankingRoutes(app, state);
  return app;
}

function resolveConfig(options: SandboxOptions): SandboxConfig {
  const base = loadConfig({});
  const { faults, rateLimit, ...rest } = options;
  return {
    ...base,
    paymentPort: 0,
    bankingPort: 0,
    ...rest,
    faults: typeof faults === 'string' ? parseFaultSpec(faults) : (faults ?? base.faults),
    rateLimit: typeof rateLimit === 'string' ? parseRateLimit(rateLimit) : (rateLimit ?? null),
  };
}

/** Start both listeners. Ports default to 0 (random) here; sandbox/main.ts passes the env config. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const config = resolveConfig(options);
  const sdb = openDatabase(config.dbPath);
  const state: SandboxState = {
    config,
    sdb,
    faults: new FaultInjector(config.faults),
    limiter: config.rateLimit ? new RateLimiter(config.rateLimit) : null,
    generation: { active: false },
    closing: false,
  };
  const payment = buildApp(state, 'payment');
  const banking = buildApp(state, 'banking');
  try {
    await payment.listen({ port: config.paymentPort, host: config.host });
    await banking.listen({ port: config.bankingPort, host: config.host });
  } catch (err) {
    await Promise.allSettled([payment.close(), banking.close()]);
    sdb.close();
    throw err;
  }
  const portOf = (app: FastifyInstance): number => {
    const addr = app.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('listener has no TCP address');
    return addr.port;
  };
  const paymentPort = portOf(payment);
  const bankingPort = portOf(banking);
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | null = null;
  return {
    paymentUrl: `http://${hostForUrl}:${paymentPort}`,
    bankingUrl: `http://${hostForUrl}:${bankingPort}`,
    paymentPort,
    bankingPort,
    config,
    db: sdb.db,
    sdb,
    faults: state.faults,
    close() {
      closing ??= (async () => {
        state.closing = true;
        state.faults.releaseAll();
        await Promise.allSettled([payment.close(), banking.close()]);
        state.s3?.destroy();
        sdb.close();
      })();
      return closing;
    },
  };
}
