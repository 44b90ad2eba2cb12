// One ApiClient per service per VU, resolved from the environment once: the clients of the sandbox's
// services (lib/clients/*) and a generated service's user class share it, and setup() probes the same
// target the load is sent to.
import { resolveTargets, type Service, type Target } from '../service.ts';
import { ApiClient } from './http.ts';

const clients = new Map<Service, { target: Target; client: ApiClient }>();

function entry(s: Service) {
  let e = clients.get(s);
  if (!e) {
    const target = resolveTargets([s], __ENV)[0]!; // throws, naming every missing or bad variable
    e = { target, client: new ApiClient(target.url, target.credential) };
    clients.set(s, e);
  }
  return e;
}

/** The client for a service; throws a ConfigError naming the variable when its URL or credential is missing. */
export function serviceClient(s: Service): ApiClient {
  return entry(s).client;
}

/** Where a service's requests go and with what credential. */
export function serviceTarget(s: Service): Target {
  return entry(s).target;
}
