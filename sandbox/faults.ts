/**
 * Fault injector: applies the live fault spec (grammar in sandbox/fault-spec.ts) to requests.
 * Latency and ttfb rules add up; for errors/reset/timeout the first matching rule that fires wins.
 */
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ApiError } from './errors.ts';
import { emptyFaults, MAX_DELAY_MS, scopeMatches, type Dist, type FaultRule, type FaultSpec } from './fault-spec.ts';

export * from './fault-spec.ts';

function sample(d: Dist): number {
  switch (d.kind) {
    case 'fixed':
      return d.ms;
    case 'uniform':
      return d.minMs + Math.random() * (d.maxMs - d.minMs);
    case 'normal': {
      const u = 1 - Math.random();
      const v = Math.random();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return Math.min(MAX_DELAY_MS, Math.max(0, d.meanMs + z * d.stddevMs));
    }
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** ttfb delay (ms) decided by the fault injector for this request */
    faultTtfbMs: number;
  }
}

/** Live fault state shared by both listeners. */
export class FaultInjector {
  private spec: FaultSpec;
  private readonly held = new Set<{ timer: NodeJS.Timeout; socket: import('node:net').Socket }>();

  constructor(initial: FaultSpec) {
    this.spec = initial;
  }

  get current(): FaultSpec {
    return this.spec;
  }

  set(spec: FaultSpec): void {
    this.spec = spec;
  }

  clear(): void {
    this.spec = emptyFaults();
  }

  /** Destroy sockets held by timeout faults (called on shutdown). */
  releaseAll(): void {
    for (const h of this.held) {
      clearTimeout(h.timer);
      h.socket.destroy();
    }
    this.held.clear();
  }

  /**
   * fastify onRequest hook body (call only for routes subject to faults). `path` is the decoded request
   * path and `template` the matched route in '{param}' form (null when no route matched).
   */
  apply(req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, path: string, template: string | null): void {
    const rules = this.spec.rules;
    if (rules.length === 0) {
      done();
      return;
    }
    const method = req.method;
    let delay = 0;
    let ttfb = 0;
    let outcome: FaultRule | null = null;
    for (const r of rules) {
      if (!scopeMatches(r.scope, method, path, template)) continue;
      if (r.type === 'latency') delay += sample(r.dist);
      else if (r.type === 'ttfb') ttfb += sample(r.dist);
      else if (outcome === null && r.probability > 0 && Math.random() < r.probability) outcome = r;
    }
    req.faultTtfbMs = Math.round(ttfb);
    // The injected delays travel with the response (Server-Timing, as browsers and k6 show it), so a client
    // can tell a fault's delay from the machine's own slowness without timing the request itself.
    const timings: string[] = [];
    if (delay >= 1) timings.push(`fault-latency;dur=${Math.round(delay)}`);
    if (ttfb >= 1) timings.push(`fault-ttfb;dur=${Math.round(ttfb)}`);
    if (timings.length > 0) reply.header('server-timing', timings.join(', '));
    const act = (): void => {
      if (outcome === null) {
        done();
      } else if (outcome.type === 'errors') {
        done(new ApiError(outcome.status, 'injected_fault', `fault injected: HTTP ${outcome.status}`));
      } else if (outcome.type === 'reset') {
        reply.hijack();
        req.raw.socket.destroy();
      } else if (outcome.type === 'timeout') {
        reply.hijack();
        const socket = req.raw.socket;
        const entry = {
          socket,
          timer: setTimeout(() => {
            this.held.delete(entry);
            socket.destroy();
          }, outcome.holdMs),
        };
        entry.timer.unref();
        this.held.add(entry);
        socket.once('close', () => {
          clearTimeout(entry.timer);
          this.held.delete(entry);
        });
      } else {
        done();
      }
    };
    if (delay >= 1) setTimeout(act, Math.round(delay));
    else act();
  }
}
