// setup() helpers every scenario shares: fail fast, with a reason a person can act on, when a target
// is down or rejects the token (the probes are the service's, lib/services/*); and a per-run id for
// idempotency keys and other unique fields.
import exec from 'k6/execution';
import { endpointName, successStatus, type Endpoint, type ServiceProbes } from '../endpoints.ts';
import type { ApiClient } from './http.ts';

export interface ProbeTarget {
  api: ApiClient;
  /** The variable that names the target, for messages: PAYMENT_SERVICE_URL. */
  label: string;
  url: string;
  probes: ServiceProbes;
  /** Where the token came from: AUTH_TOKEN, or the sandbox's default for a local target. */
  tokenFromEnv: boolean;
  /** The URL the sandbox listens on by default: only then is starting the sandbox the advice. */
  sandboxUrl: string;
}

/**
 * In setup(): aborts the test (exit 108) with a clear message when the target is down, unhealthy or
 * rejects the token, before any load is sent. Never prints the token.
 */
export function probeTarget(t: ProbeTarget): void {
  // The probes carry names of their own: they are not the endpoints' traffic, and must not give an
  // endpoint that the load never sent the data its budget needs.
  const probe = (e: Endpoint) => ({ timeout: '5s', tags: { phase: 'setup', name: `setup probe: ${endpointName(e)}` } });
  const health = t.api.call(t.probes.health, probe(t.probes.health));
  if (health.status === 0) {
    const advice = t.url === t.sandboxUrl ? `Start the sandbox with \`npm run sandbox\`, or point ${t.label} at a running service.` : `Is ${t.label} right, and is the service up?`;
    exec.test.abort(`target unreachable: ${t.label}=${t.url} (${health.error}). ${advice}`);
  }
  const healthy = successStatus(t.probes.health);
  if (health.status !== healthy) exec.test.abort(`target unhealthy: ${t.probes.health.method} ${t.url}${t.probes.health.path} answered ${health.status}, not ${healthy}`);
  const { endpoint, params, accepted } = t.probes.auth;
  const auth = t.api.call(endpoint, { ...probe(endpoint), params, expected: accepted });
  if (auth.status === 401 || auth.status === 403) {
    exec.test.abort(
      t.tokenFromEnv
        ? `AUTH_TOKEN was rejected by ${t.url} (HTTP ${auth.status}); check the token`
        : `${t.url} rejected the sandbox's default token (HTTP ${auth.status}): AUTH_TOKEN is not set; set it to this service's token`,
    );
  }
}

/** A short id unique to this run (client ids, idempotency keys). */
export function newRunId(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

