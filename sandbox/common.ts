/** Routes served on both ports: /health, /api/v1/stats and the /admin API. */
import type { FastifyInstance } from 'fastify';
import { tamperAudit } from './audit.ts';
import type { SandboxState } from './state.ts';
import type { CurrencyTotalsRow } from './db.ts';
import { ApiError } from './errors.ts';
import { describeFaults, FaultSpecError, parseFaultSpec, structuredToSpec, type StructuredRule } from './faults.ts';

export function registerCommonRoutes(app: FastifyInstance, state: SandboxState, service: 'payment' | 'banking'): void {
  const healthBody = JSON.stringify({ status: 'ok', service });
  app.get('/health', (_req, reply) => {
    reply.type('application/json; charset=utf-8').send(healthBody);
  });

  app.get('/api/v1/stats', () => {
    const { stmts } = state.sdb;
    const byCurrency: Record<string, Omit<CurrencyTotalsRow, 'currency'>> = {};
    for (const { currency, ...totals } of stmts.currencyTotals.all()) byCurrency[currency] = totals;
    return { ...stmts.stats.get(), by_currency: byCurrency };
  });

  app.get('/admin/faults', () => describeFaults(state.faults.current));

  app.put<{ Body: { spec?: string; rules?: StructuredRule[] } }>(
    '/admin/faults',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            spec: { type: 'string', maxLength: 10_000 },
            rules: {
              type: 'array',
              maxItems: 100,
              items: {
                type: 'object',
                required: ['type'],
                additionalProperties: false,
                properties: {
                  type: { type: 'string', minLength: 1, maxLength: 64 },
                  value: { type: ['string', 'number', 'boolean'] },
                  method: { type: 'string', maxLength: 16 },
                  path: { type: 'string', maxLength: 1000 },
                },
              },
            },
          },
        },
      },
    },
    (req) => {
      const { spec, rules } = req.body;
      if ((spec === undefined) === (rules === undefined)) {
        throw new ApiError(422, 'validation_failed', 'send exactly one of spec (string) or rules (array)', { field: 'spec' });
      }
      try {
        const text = spec ?? structuredToSpec(rules ?? []);
        state.faults.set(parseFaultSpec(text));
      } catch (err) {
        if (err instanceof FaultSpecError) {
          throw new ApiError(422, 'invalid_fault_spec', err.message, { field: spec !== undefined ? 'spec' : 'rules' });
        }
        throw err;
      }
      return describeFaults(state.faults.current);
    },
  );

  app.delete('/admin/faults', () => {
    state.faults.clear();
    return describeFaults(state.faults.current);
  });

  app.post<{ Body: { seq?: number } }>(
    '/admin/audit/tamper',
    { schema: { body: { type: 'object', additionalProperties: false, properties: { seq: { type: 'integer', minimum: 1 } } } } },
    (req) => {
      const seq = tamperAudit(state.sdb, req.body.seq);
      if (seq === null) throw new ApiError(404, 'not_found', 'no such audit entry', { field: 'seq' });
      return { tampered_seq: seq };
    },
  );
}
