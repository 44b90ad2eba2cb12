/**
 * startSandbox(): one process, two fastify listeners sharing one SQLite database.
 *   payment service -> sandbox/payment/routes.ts
 *   banking API     -> sandbox/banking/routes.ts
 * Cross-cutting concerns are one onRequest hook: rate limit -> bearer auth -> fault injection.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type Database from 'better-sqlite3';
import { bearerChecker } from './auth.ts';
import { registerBankingRoutes } from './banking/routes.ts';
import { registerCommonRoutes } from './common.ts';
import { loadConfig, parseRateLimit, type RateLimitConfig, type SandboxConfig } from './config.ts';
import type { SandboxContext } from './context.ts';
import { openDatabase, type SandboxDb } from './db.ts';
import { ApiError, installErrorHandling, sendError } from './errors.ts';
import { FaultInjector, parseFaultSpec, type FaultSpec } from './faults.ts';
import { registerPaymentRoutes } from './payment/routes.ts';
import { RateLimiter } from './rate-limit.ts';
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
  /** raw better-sqlite3 handle (tests may inspect tables) */
  db: Database.Database;
  sdb: SandboxDb;
  faults: FaultInjector;
  close(): Promise<void>;
}


function buildApp(ctx: SandboxContext, service: 'payment' | 'banking'): FastifyInstance {
  const { config } = ctx;
  const app = Fastify({
    logger: config.logLevel === 'off' ? false : { level: config.logLevel, stream: process.stderr },
    bodyLimit: config.bodyLimit,
    forceCloseConnections: true,
    return503OnClosing: false,
    frameworkErrors: (err, _req, reply) => {
      sendError(reply, new ApiError(400, 'bad_request', err.message || 'bad request'));
    },
  });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema));
  installErrorHandling(app);
  app.decorateRequest('faultTtfbMs', 0);

  // A POST without a body (e.g. capture with default amount) is treated as {}.
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.body === undefined && (req.method === 'POST' || req.method === 'PUT')) req.body = {};
    done();
  });

  const checkAuth = bearerChecker(config.token);
  const { limiter, faults } = ctx;
  app.addHook('onRequest', (req, reply, done) => {
    const url = req.url;
    if (url === '/health' || url.startsWith('/health?')) {
      done();
      return;
    }
    const isAdmin = url.startsWith('/admin/') || url === '/admin';
    const isApi = url.startsWith('/api/');
    try {
      if (limiter !== null && !isAdmin && !faults.current.noRateLimit) {
        const header = req.headers['x-client-id'];
        const client = typeof header === 'string' && header !== '' ? `c:${header}` : `ip:${req.ip}`;
        const d = limiter.hit(client);
        reply.header('X-RateLimit-Limit', String(d.limit)).header('X-RateLimit-Remaining', String(d.remaining));
        if (!d.allowed) {
          throw new ApiError(429, 'rate_limited', `rate limit of ${limiter.config.spec} exceeded; retry in ${d.retryAfterSec}s`, {
            headers: { 'Retry-After': String(d.retryAfterSec) },
          });
        }
      }
      if (isApi || isAdmin) checkAuth(req.headers.authorization);
    } catch (err) {
      done(err as Error);
      return;
    }
    if (!isApi) {
      done();
      return;
    }
    faults.apply(req, reply, done);
  });
  app.addHook('onSend', (req, _reply, payload, done) => {
    const ms = req.faultTtfbMs;
    if (ms > 0) setTimeout(() => done(null, payload), ms);
    else done(null, payload);
  });

  registerCommonRoutes(app, ctx, service);
  if (service === 'payment') registerPaymentRoutes(app, ctx);
  else registerBankingRoutes(app, ctx);
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
  const ctx: SandboxContext = {
    config,
    sdb,
    faults: new FaultInjector(config.faults),
    limiter: config.rateLimit ? new RateLimiter(config.rateLimit) : null,
    generation: { active: false },
    closing: false,
  };
  const payment = buildApp(ctx, 'payment');
  const banking = buildApp(ctx, 'banking');
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
    faults: ctx.faults,
    close() {
      closing ??= (async () => {
        ctx.closing = true;
        ctx.faults.releaseAll();
        await Promise.allSettled([payment.close(), banking.close()]);
        sdb.close();
      })();
      return closing;
    },
  };
}
