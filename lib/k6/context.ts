// The script's context in k6 (lib/services/user-class.ts): the configuration, the profile and the dataset,
// built once per test script in the init context; and per service, the same context with that service's
// client, made on first use, so a script that never talks to a service does not need its URL or credential.
import { parseConfig } from '../config.ts';
import { loadDataset } from '../dataset.ts';
import type { Endpoint } from '../endpoints.ts';
import { PROFILE_NAMES, resolveProfile } from '../profiles.ts';
import type { Service } from '../services/define.ts';
import type { ScriptContext, UserContext } from '../services/user-class.ts';
import { check, sleep } from 'k6';
import { clientOf } from './client.ts';
import { nextIdempotencyKey } from './keys.ts';
import { acknowledged, cardsDeclined } from './metrics.ts';

let context: ScriptContext | null = null;

export function userContext(): ScriptContext {
  if (context) return context;
  const config = parseConfig(__ENV, PROFILE_NAMES);
  const byService = new Map<Service, UserContext>();
  const script: ScriptContext = {
    config,
    profile: resolveProfile(__ENV),
    data: loadDataset({ seed: config.seed }),
    counters: { acknowledged, cardsDeclined },
    idempotencyKey: nextIdempotencyKey,
    sleep,
    fail: (name) => void check(null, { [name]: () => false }),
    as<E extends Record<string, Endpoint>>(service: Service<E>): UserContext<E> {
      let ctx = byService.get(service);
      // The service's context inherits from the script's, so a listener set on the script later
      // (audit's onAcknowledged) is the one every class sees.
      // Its client is made on first read, then kept as a plain field (read on every task).
      if (!ctx) {
        ctx = Object.create(script, {
          client: {
            configurable: true,
            get(this: UserContext) {
              const client = clientOf(service);
              Object.defineProperty(this, 'client', { value: client });
              return client;
            },
          },
        }) as UserContext;
        byService.set(service, ctx);
      }
      return ctx as unknown as UserContext<E>;
    },
  };
  return (context = script);
}
