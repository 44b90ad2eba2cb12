// setup() helpers every scenario shares: fail fast, with a reason a person can act on, when a target
// is down or rejects the token (the probes are the service's, lib/services/<name>/); and a per-run id for
// idempotency keys and other unique fields.
import exec from 'k6/execution';
import { endpointName, successStatus, type Endpoint } from '../endpoints.ts';
import type { Service, Target } from '../services/define.ts';
import type { ApiClient } from './http.ts';

/**
 * In setup(): aborts the test (exit 108) with a clear message when the target is down, unhealthy or
 * rejects the credential, before any load is sent. Never prints a secret. The sandbox is suggested
 * only when the target is the sandbox's own default address.
 */
export function probeTarget(s: Service, t: Target, api: ApiClient): void {
  // The probes carry names of their own: they are not the endpoints' traffic, and must not give an
  // endpoint that the load never sent the data its budget needs.
  const probe = (e: Endpoint) => ({ timeout: '5s', tags: { phase: 'setup', name: `setup probe: ${endpointName(e)}` } });
  const unreachable = (error: string) => {
    const advice =
      s.sandbox && t.url === s.defaultUrl ? `Start the sandbox with \`npm run sandbox\`, or point ${s.urlVar} at a running service.` : `Is ${s.urlVar} right, and is the service up?`;
    exec.test.abort(`target unreachable: ${s.urlVar}=${t.url} (${error}). ${advice}`);
  };
  const { health, auth } = s.probes;
  if (health) {
    const res = api.call(health, probe(health));
    if (res.status === 0) unreachable(res.error);
    const healthy = successStatus(health);
    if (res.status !== healthy) exec.test.abort(`target unhealthy: ${health.method} ${t.url}${health.path} answered ${res.status}, not ${healthy}`);
  }
  if (!auth) return;
  const res = api.call(auth.endpoint, { ...probe(auth.endpoint), params: auth.params, expected: auth.accepted });
  if (res.status === 0) unreachable(res.error);
  if (res.status === 401 || res.status === 403) {
    exec.test.abort(
      t.defaultToken
        ? `${t.url} rejected the sandbox's default token (HTTP ${res.status}): ${t.credentialVar} is not set; set it to this service's token`
        : `${t.credentialVar ?? 'the credential'} was rejected by ${t.url} (HTTP ${res.status}); check it`,
    );
  }
}

/** A short id unique to this run (client ids, idempotency keys). */
export function newRunId(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

