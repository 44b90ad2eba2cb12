// setup() helpers every scenario shares: fail fast, with a reason a person can act on, when a target
// is down or rejects the token; and a per-run id for idempotency keys and other unique fields.
import exec from 'k6/execution';
import type { ApiClient } from './http.ts';

/** Paths that cannot exist on the target: a 404 proves the token was accepted, 401/403 that it was not. */
export const AUTH_PROBE = {
  payment: '/api/v1/payments/pay_setup_probe_does_not_exist',
  banking: '/api/v1/transactions/txn_setup_probe_does_not_exist',
} as const;

/**
 * In setup(): aborts the test (exit 108) with a clear message when the target is down, unhealthy or
 * rejects the token, before any load is sent. Never prints the token.
 */
export function probeTarget(api: ApiClient, label: string, url: string, authPath: string): void {
  const health = api.call({ method: 'GET', path: '/health', expected: [200] }, { timeout: '5s', tags: { phase: 'setup' } });
  if (health.status === 0) {
    exec.test.abort(
      `target unreachable: ${label}=${url} (${health.error}). Start the sandbox with \`npm run sandbox\`, or point ${label} at a running service.`,
    );
  }
  if (health.status !== 200) exec.test.abort(`target unhealthy: GET ${url}/health answered ${health.status}`);
  const auth = api.call({ method: 'GET', path: authPath, expected: [404] }, { timeout: '5s', tags: { phase: 'setup' } });
  if (auth.status === 401 || auth.status === 403) exec.test.abort(`AUTH_TOKEN was rejected by ${url} (HTTP ${auth.status}); check the token`);
}

/** A short id unique to this run (client ids, idempotency keys). */
export function newRunId(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

