// A service as data: everything the kit needs to talk to one API — where it is (the variable that names
// its URL), how it authenticates, its endpoint table, its setup probes and whether it understands the
// sandbox's decline test cards. The HTTP layer, setup(), the thresholds and the reports read only this,
// so a third service is one more folder (lib/services/<name>/, or `npm run new-service`) and nothing else.
// Pure: resolving a target from the environment is unit-tested in Node.
import { EnvReader, isLoopbackHost, SANDBOX_DEFAULT_TOKEN, tokenProblem, urlHost, type Env } from '../config.ts';
import type { Endpoint, ServiceProbes } from '../endpoints.ts';

/** How requests prove who sends them. Each names the variable(s) holding the secret, never the secret. */
export type AuthScheme =
  /** `Authorization: Bearer <token>` */
  | { kind: 'bearer'; tokenVar: string }
  /** `Authorization: Basic base64(user:password)`; an API key as the user name with no password is common. */
  | { kind: 'basic'; userVar: string; passwordVar?: string }
  /** `<header>: <token>`, e.g. `X-Api-Key`. */
  | { kind: 'header'; header: string; tokenVar: string }
  | { kind: 'none' };

export interface Service<E extends Record<string, Endpoint> = Record<string, Endpoint>> {
  /** Appears in messages: `payment`, `acme`. */
  name: string;
  /** The variable that holds the base URL, e.g. PAYMENT_SERVICE_URL. */
  urlVar: string;
  /** Used when urlVar is unset; without one the variable must be set. */
  defaultUrl?: string;
  /**
   * One of the sandbox's own services: only then may a message suggest starting the sandbox, and a
   * loopback target without a token gets the sandbox's default token.
   */
  sandbox?: boolean;
  auth: AuthScheme;
  endpoints: E;
  probes: ServiceProbes;
  /** The target knows the sandbox's decline test cards: only then does CARD_DECLINE_RATE send them. */
  declines?: boolean;
}

/**
 * What the sandbox's own services share: the sandbox's bearer token (AUTH_TOKEN, its default on loopback)
 * and its decline test cards. Spread into their definitions: `defineService({ ...SANDBOX_SERVICE, ... })`.
 */
export const SANDBOX_SERVICE = { sandbox: true, auth: { kind: 'bearer', tokenVar: 'AUTH_TOKEN' }, declines: true } as const satisfies Partial<Service>;

/** Identity, for inference: `defineService({...})` keeps the endpoint table's literal keys. */
export function defineService<const E extends Record<string, Endpoint>>(s: Service<E>): Service<E> {
  return s;
}

export type Credential =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; password: string }
  | { kind: 'header'; header: string; token: string }
  | { kind: 'none' };

/** A service resolved against the environment: where to send requests and with what credential. */
export interface Target {
  url: string;
  credential: Credential;
  /** The variable the credential comes from, for messages; null for no credential. */
  credentialVar: string | null;
  /** That variable was unset and the sandbox's default token stands in (a sandbox service on loopback). */
  defaultToken: boolean;
  /** Values no output may contain. */
  secrets: string[];
}

/**
 * Resolves a service's URL and credential from the environment. Problems go to `r`, which the caller
 * must end with `r.done()` (resolveTargets does). Never puts a secret in a message.
 */
export function resolveTarget(s: Service, env: Env, r: EnvReader): Target {
  let url: string;
  if (s.defaultUrl !== undefined) url = r.url(s.urlVar, s.defaultUrl);
  else if (r.raw(s.urlVar) === undefined) {
    r.problems.push(`${s.urlVar} is not set: the base URL of the ${s.name} service`);
    url = 'http://127.0.0.1';
  } else url = r.url(s.urlVar, 'http://127.0.0.1');

  const secret = (name: string, what: string, required: boolean): string | null => {
    let v = r.raw(name);
    if (v !== undefined && s.auth.kind === 'bearer') v = v.replace(/^Bearer\s+/i, '');
    if (v) {
      const bad = tokenProblem(v);
      if (bad) r.problems.push(`${name} ${bad} (the value is not shown)`);
      return v;
    }
    if (required) r.problems.push(`${name} is not set; the ${s.name} service at ${url} needs ${what}`);
    return null;
  };

  const a = s.auth;
  switch (a.kind) {
    case 'none':
      return { url, credential: a, credentialVar: null, defaultToken: false, secrets: [] };
    case 'basic': {
      const user = secret(a.userVar, 'the user name (or API key) for basic auth', true) ?? '';
      const password = a.passwordVar ? (secret(a.passwordVar, 'its password', false) ?? '') : '';
      return { url, credential: { kind: 'basic', user, password }, credentialVar: a.userVar, defaultToken: false, secrets: [user, password].filter(Boolean) };
    }
    case 'bearer':
    case 'header': {
      const local = isLoopbackHost(urlHost(url) ?? '');
      const useDefault = s.sandbox === true && local && r.raw(a.tokenVar) === undefined;
      const what = a.kind === 'bearer' ? 'its bearer token (the value without "Bearer ")' : `its ${a.header} token`;
      const token = useDefault ? SANDBOX_DEFAULT_TOKEN : (secret(a.tokenVar, what, true) ?? '');
      const credential: Credential = a.kind === 'bearer' ? { kind: 'bearer', token } : { kind: 'header', header: a.header, token };
      return { url, credential, credentialVar: a.tokenVar, defaultToken: useDefault, secrets: token ? [token] : [] };
    }
  }
}

/** The share of requests that send a decline test card: CARD_DECLINE_RATE, for a target that declares it knows them. */
export function declineRate(s: Service, configured: number): number {
  return s.declines === true ? configured : 0;
}

/** Resolves every target of a script at once, so that all their problems are reported together. */
export function resolveTargets(services: readonly Service[], env: Env): Target[] {
  const r = new EnvReader(env);
  const targets = services.map((s) => resolveTarget(s, env, r));
  r.done();
  return targets;
}

/** What a bundle says of a service it targets when asked before a run (`describeTargets`). */
export interface TargetRef {
  name: string;
  urlVar: string;
  sandbox: boolean;
}

/**
 * The line a bundle prints in its init context under `PAYKIT_DESCRIBE=1` (`k6 inspect`): the services it
 * targets, so a tool can tell before starting anything whether the run needs the sandbox.
 */
const TARGETS_LINE = 'paykit-targets ';

export function describeTargets(services: readonly Service[]): string {
  return TARGETS_LINE + JSON.stringify(services.map((s): TargetRef => ({ name: s.name, urlVar: s.urlVar, sandbox: s.sandbox === true })));
}

/** The targets a bundle described in `output` (k6's log, which may quote the line), or null when it did not. */
export function parseTargets(output: string): TargetRef[] | null {
  const at = output.indexOf(TARGETS_LINE);
  if (at < 0) return null;
  // k6 quotes a console line in its log as msg="…", escaping the JSON's quotes.
  const rest = output.slice(at + TARGETS_LINE.length).split('\n')[0] as string;
  const json = /^\[.*\]/.exec(rest.replace(/\\"/g, '"'))?.[0];
  if (!json) return null;
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list) && list.every((t) => t && typeof t.name === 'string' && typeof t.urlVar === 'string' && typeof t.sandbox === 'boolean') ? (list as TargetRef[]) : null;
  } catch {
    return null;
  }
}
