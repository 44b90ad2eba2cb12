// The script's context in k6 (lib/services/user-class.ts): the configuration, the profile and the dataset,
// built once per test script in the init context; and per service, the same context with that service's
// client, made on first use, so a script that never talks to a service does not need its URL or credential.
import { parseConfig } from '../config.ts';
import { loadDataset } from '../dataset.ts';
import type { Endpoint } from '../endpoints.ts';
import { PROFILE_NAMES, resolveProfile } from '../profiles.ts';
import type { Service } from '../services/define.ts';
import type { AcknowledgedListener, ScriptContext, UserContext } from '../services/user-class.ts';
import { check, sleep } from 'k6';
import { clientOf } from './client.ts';
import { nextIdempotencyKey } from './keys.ts';
import { acknowledged, cardsDeclined } from './metrics.ts';

let context: ScriptContext | null = null;

export function userContext(): ScriptContext {
  if (context) return context;
  const config = parseConfig(__ENV, PROFILE_NAMES);
  const shared = {
    config,
    profile: resolveProfile(__ENV),
    data: loadDataset({ seed: config.seed }),
    counters: { acknowledged, cardsDeclined },
    idempotencyKey: nextIdempotencyKey,
    sleep,
    fail: (name: string) => void check(null, { [name]: () => false }),
  };
  const byService = new Map<Service, UserContext>();
  let listener: AcknowledgedListener | undefined;
  const script: ScriptContext = {
    ...shared,
    // A listener set on the script (audit's, after its classes are built) reaches every class's context.
    get onAcknowledged() {
      return listener;
    },
    set onAcknowledged(fn) {
      listener = fn;
      for (const ctx of byService.values()) ctx.onAcknowledged = fn;
    },
    as<E extends Record<string, Endpoint>>(service: Service<E>): UserContext<E> {
      let ctx = byService.get(service);
      if (!ctx) {
        // Own fields, not the script's through a prototype: the classes read them on every task, and
        // each lookup along a prototype chain costs in k6's interpreter.
        const made = { ...shared, onAcknowledged: listener, as: script.as } as unknown as UserContext;
        // The client is made on first read (a script that never calls a service needs no URL for it),
        // then kept as a plain field.
        Object.defineProperty(made, 'client', {
          configurable: true,
          enumerable: true,
          get() {
            const client = clientOf(service);
            Object.defineProperty(made, 'client', { value: client, enumerable: true });
            return client;
          },
        });
        byService.set(service, (ctx = made));
      }
      return ctx as unknown as UserContext<E>;
    },
  };
  return (context = script);
}
