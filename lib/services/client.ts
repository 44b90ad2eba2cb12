// What a user class holds to talk to its service: a client derived from the service's endpoint table, so
// calling an endpoint is one line (`ctx.client.call('createPayment', { body })`) and no endpoint has a
// sender written by hand. Pure types: lib/k6/client.ts implements them in k6, and a user class that only
// calls its client imports nothing k6-bound.
import type { Endpoint } from '../endpoints.ts';
import type { Service } from './define.ts';

/** An answer as the kit reads it (k6's http response has these fields). */
export interface Answer {
  status: number;
  error: string;
  headers: Record<string, string>;
  body: unknown;
  /** The body parsed as JSON; throws when it is not JSON. */
  json(): unknown;
}

/** A body check: a long-lived function (module level), so its check set is built once. */
export type Shape = (body: unknown) => boolean;

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  body?: unknown;
  /** Send this exact text as the body (malformed JSON tests), with the endpoint's Content-Type. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Override the endpoint's expected statuses for one call (the failure user expects 4xx). */
  expected?: readonly number[];
  /** null sends no credential; a string replaces the configured token (or basic-auth user) for this call. */
  token?: string | null;
  tags?: Record<string, string>;
  timeout?: string;
  /** An Idempotency-Key header for this call; unlike `headers`, it keeps the reused request params. */
  idempotencyKey?: string;
}

export interface ClientCall extends CallOptions {
  /**
   * Another body check than the row's. The row's shape is a success's: a call that expects other statuses
   * (a decline's 402) checks a body only when it gives its own shape here.
   */
  shape?: Shape;
}

/** The body a passed call returns: what the row's shape proves it is, else a JSON object. */
export type ResultOf<R> = R extends { shape: (b: unknown) => b is infer T } ? T : Record<string, unknown>;

export interface ServiceClient<E extends Record<string, Endpoint> = Record<string, Endpoint>> {
  readonly service: Service<E>;
  /**
   * Sends to the endpoint named `name` and checks the answer: its status against the row's `expected` (or
   * the call's), its body against the row's `shape` (or the call's; see ClientCall.shape). Returns the parsed body when both
   * passed, else null: a result the caller gets is one it may use.
   */
  call<K extends keyof E & string>(name: K, opts?: ClientCall): ResultOf<E[K]> | null;
  /** Sends and checks as `call` does, and returns the answer itself (for its status or headers). */
  request<K extends keyof E & string>(name: K, opts?: ClientCall): Answer;
  /**
   * Sends a request that must be refused with `status` and error `code` (label: the kind of bad input);
   * returns whether it was. A 5xx or a 2xx counts in `unexpected_status`.
   */
  refused<K extends keyof E & string>(name: K, opts: CallOptions, status: number, code: string, label: string): boolean;
  /** Sends and checks nothing: for calls whose answer the caller judges itself (refusals, verify phases). */
  send<K extends keyof E & string>(name: K, opts?: CallOptions): Answer;
}
