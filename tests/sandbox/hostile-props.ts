/**
 * The hostile-input properties, run by tests/sandbox/hostile.test.ts (fixed seed, few runs) and by
 * bench/fuzz-sandbox.ts (many runs). Each property is generated from the OpenAPI document
 * (tests/sandbox/hostile-cases.ts) and returns how many requests it sent.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFaultSpec } from '../../sandbox/faults.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { rawRequest, TOKEN, type RawRes } from './helpers.ts';
import {
  badString,
  bodyPositions,
  bodyWith,
  bodyWithKey,
  nested,
  operations,
  pathEdits,
  pathVariant,
  shapeProblem,
  unrouted,
  type Operation,
  type PathEdit,
} from './hostile-cases.ts';

export interface RunOptions {
  seed: number;
  /** fast-check runs per property (per route for the per-route properties) */
  runs: number;
}

/** A sandbox for hostile traffic: no rate limit, a small body limit so 413 is cheap to reach. */
export const HOSTILE_SANDBOX = { bodyLimit: 65_536 } as const;

const JSON_CT = { 'content-type': 'application/json' };

export class HostileRunner {
  sent = 0;
  readonly ops: Operation[] = operations();

  constructor(readonly sb: Sandbox) {}

  private base(op: Operation): string {
    return op.service === 'payment' ? this.sb.paymentUrl : this.sb.bankingUrl;
  }

  async send(
    op: Operation,
    path: string,
    opts: { token?: string | null; body?: string; headers?: Record<string, string>; injected?: boolean } = {},
  ): Promise<RawRes> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? TOKEN : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body = opts.body;
    if (body === undefined && op.bodySchema !== null) body = '{}';
    if (body !== undefined) Object.assign(headers, JSON_CT, opts.headers);
    this.sent++;
    const r = await rawRequest(this.base(op), op.method, path, body === undefined ? { headers } : { headers, body });
    // an injected fault is the one 5xx allowed: the test asked for it (it still has the documented shape)
    const problem = opts.injected === true && r.status === 503 && r.body?.error?.code === 'injected_fault' ? null : shapeProblem(`${op.service} ${op.method} ${path}`, r);
    assert.equal(problem, null, problem ?? '');
    return r;
  }

  /** Fixed edits every route gets, whatever the seed: encoded, double-encoded, mixed-case, '//', '/./'. */
  static readonly FIXED_EDITS: PathEdit[][] = [
    [{ kind: 'encode', at: 0, lower: true }],
    [{ kind: 'encode', at: 4, lower: false }, { kind: 'encode', at: 9, lower: true }],
    [{ kind: 'double', at: 0 }],
    [{ kind: 'case', at: 0 }],
    [{ kind: 'segment', at: 0, insert: '/' }],
    [{ kind: 'segment', at: 0, insert: '/.' }],
    [{ kind: 'segment', at: 5, insert: '/%2e' }],
  ];

  /** Encoded variants of every route, with no, a wrong and the right token: never a 2xx without a valid token. */
  async pathsAndAuth(o: RunOptions): Promise<void> {
    const check = async (op: Operation, edits: PathEdit[], auth: 'none' | 'wrong' | 'valid'): Promise<void> => {
      const path = pathVariant(op.path, edits);
      const token = auth === 'valid' ? TOKEN : auth === 'wrong' ? `${TOKEN}x` : null;
      const r = await this.send(op, path, { token });
      if (auth === 'valid') return;
      const label = `${op.method} ${path} (${auth} token) -> ${r.status} ${r.text.slice(0, 120)}`;
      if (op.isPublic) assert.ok(r.status === 200 || r.status === 401 || r.status === 400, label);
      else assert.ok(r.status === 401 || (r.status === 400 && r.body?.error?.code === 'bad_request'), label);
    };
    for (const op of this.ops) for (const edits of HostileRunner.FIXED_EDITS) for (const auth of ['none', 'wrong', 'valid'] as const) await check(op, edits, auth);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...this.ops), pathEdits, fc.constantFrom('none' as const, 'wrong' as const, 'valid' as const), check),
      { seed: o.seed, numRuns: o.runs },
    );
  }

  /** With errors=1 scoped to a route, every variant the router takes as that route gets the injected fault. */
  async faultScopes(o: RunOptions): Promise<void> {
    const faultable = this.ops.filter((op) => op.template.startsWith('/api/'));
    try {
      for (const [i, op] of faultable.entries()) {
        // alternate the two scope syntaxes: the route template, and the same with '*' for each param
        const pattern = i % 2 === 0 ? op.template : op.template.replace(/\{[^}]+\}/g, '*');
        this.sb.faults.set(parseFaultSpec(`errors=1@${op.method} ${pattern}`));
        const check = async (edits: PathEdit[]): Promise<void> => {
          const path = pathVariant(op.path, edits);
          const r = await this.send(op, path, { injected: true });
          const ok = (r.status === 503 && r.body?.error?.code === 'injected_fault') || unrouted(r);
          assert.ok(ok, `errors=1@${op.method} ${pattern}: ${op.method} ${path} -> ${r.status} ${r.text.slice(0, 120)}`);
        };
        await check([]);
        for (const edits of HostileRunner.FIXED_EDITS) await check(edits);
        await fc.assert(fc.asyncProperty(pathEdits, check), { seed: o.seed + i, numRuns: Math.max(1, Math.ceil(o.runs / 10)) });
      }
    } finally {
      this.sb.faults.clear();
    }
  }

  private bodyOps(): Operation[] {
    return this.ops.filter((op) => op.bodySchema !== null);
  }

  /** A value nested past the limit at every position of every body: 422 naming a field under that position. */
  async deepNesting(o: RunOptions): Promise<void> {
    const cases = this.bodyOps().flatMap((op) => bodyPositions(op.bodySchema ?? {}).map((pos) => ({ op, pos })));
    const check = async (c: (typeof cases)[number], depth: number, arrays: boolean): Promise<void> => {
      const r = await this.send(c.op, c.op.path, { body: JSON.stringify(bodyWith(c.pos.segments, nested(depth, arrays))) });
      const label = `${c.op.method} ${c.op.path} depth ${depth} at '${c.pos.field}' -> ${r.status} ${r.text.slice(0, 160)}`;
      assert.equal(r.status, 422, label);
      assert.equal(r.body.error.code, 'validation_failed', label);
      assert.ok(String(r.body.error.field).startsWith(c.pos.field), label);
      assert.match(r.body.error.message, /nests deeper than 32/, label);
    };
    for (const c of cases) await check(c, 33, false);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), fc.integer({ min: 33, max: 3000 }), fc.boolean(), check),
      { seed: o.seed, numRuns: o.runs },
    );
    // just inside the limit is ordinary input: whatever the answer, it is not the depth error
    for (const c of cases.filter((c) => c.pos.segments.length < 31)) {
      const r = await this.send(c.op, c.op.path, { body: JSON.stringify(bodyWith(c.pos.segments, nested(31 - c.pos.segments.length, false))) });
      assert.doesNotMatch(String(r.body?.error?.message), /nests deeper/, `${c.op.path} '${c.pos.field}'`);
    }
  }

  /** NUL / lone surrogates in every string position and every object key: 422 naming exactly that field. */
  async badStrings(o: RunOptions): Promise<void> {
    const strings = this.bodyOps().flatMap((op) => bodyPositions(op.bodySchema ?? {}).filter((p) => p.isString && p.segments.length > 0).map((pos) => ({ op, pos })));
    const objects = this.bodyOps().flatMap((op) =>
      bodyPositions(op.bodySchema ?? {}).filter((p) => !p.isString && (p.schema.properties !== undefined || p.schema.type === 'object')).map((pos) => ({ op, pos })),
    );
    const expect422 = (r: RawRes, field: string, label: string): void => {
      assert.equal(r.status, 422, `${label} -> ${r.status} ${r.text.slice(0, 160)}`);
      assert.equal(r.body.error.code, 'validation_failed', label);
      assert.equal(r.body.error.field, field, label);
    };
    const value = async (c: (typeof strings)[number], s: string): Promise<void> => {
      const r = await this.send(c.op, c.op.path, { body: JSON.stringify(bodyWith(c.pos.segments, s)) });
      expect422(r, c.pos.field, `${c.op.path} ${JSON.stringify(s)} at ${c.pos.field}`);
    };
    const key = async (c: (typeof objects)[number], k: string): Promise<void> => {
      const { body, field } = bodyWithKey(c.pos.segments, k);
      expect422(await this.send(c.op, c.op.path, { body: JSON.stringify(body) }), field, `${c.op.path} key ${JSON.stringify(k)}`);
    };
    for (const c of strings) for (const s of ['\u0000', 'a\ud800', '\udc00b']) await value(c, s);
    for (const c of objects) await key(c, 'k\u0000');
    await fc.assert(fc.asyncProperty(fc.constantFrom(...strings), badString, value), { seed: o.seed, numRuns: o.runs });
    await fc.assert(fc.asyncProperty(fc.constantFrom(...objects), badString, key), { seed: o.seed, numRuns: Math.ceil(o.runs / 2) });

    // path params and query strings
    for (const op of this.ops.filter((op) => !op.isPublic)) {
      const q = `${op.path}${op.path.includes('?') ? '&' : '?'}q%00=1&probe=%00`;
      expect422(await this.send(op, q), 'q\\u0000', `${op.method} ${q}`);
      const params = [...op.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
      for (const name of params) {
        // NUL; an encoded lone surrogate, a byte that is no UTF-8, a cut-off sequence (the router cannot decode these).
        for (const bad of ['a%00b', 'a%ED%A0%80b', '%FF', 'a%E2%82']) {
          const path = op.template.replace(`{${name}}`, bad).replace(/\{[^}]+\}/g, 'x_unknown') + op.path.slice(op.path.indexOf('?') === -1 ? op.path.length : op.path.indexOf('?'));
          expect422(await this.send(op, path), name, `${op.method} ${path}`);
        }
      }
    }
  }

  /** Over-long strings: maxLength + 1 is a documented 4xx for the route; past the body limit it is 413. */
  async longStrings(o: RunOptions): Promise<void> {
    const strings = this.bodyOps().flatMap((op) => bodyPositions(op.bodySchema ?? {}).filter((p) => p.isString && p.segments.length > 0).map((pos) => ({ op, pos })));
    const check = async (c: (typeof strings)[number], extra: number): Promise<void> => {
      const max = typeof c.pos.schema.maxLength === 'number' ? c.pos.schema.maxLength : null;
      const s = 'é'.repeat(max === null ? HOSTILE_SANDBOX.bodyLimit : max + extra);
      const r = await this.send(c.op, c.op.path, { body: JSON.stringify(bodyWith(c.pos.segments, s)) });
      const label = `${c.op.path} ${s.length} chars at ${c.pos.field} -> ${r.status} ${r.text.slice(0, 160)}`;
      assert.ok(r.status >= 400 && r.status < 500 && c.op.statuses.includes(String(r.status)), label);
      if (max === null) assert.equal(r.status, 413, label);
    };
    for (const c of strings) await check(c, 1);
    await fc.assert(fc.asyncProperty(fc.constantFrom(...strings), fc.integer({ min: 1, max: 5000 }), check), { seed: o.seed, numRuns: Math.ceil(o.runs / 4) });
  }

  /** 413 for a body over the limit and 431 for headers over 16 KiB, on every route, in the documented shape. */
  async sizeLimits(): Promise<void> {
    for (const op of this.ops) {
      if (op.bodySchema !== null) {
        const r = await this.send(op, op.path, { body: JSON.stringify({ pad: 'x'.repeat(HOSTILE_SANDBOX.bodyLimit) }) });
        assert.equal(r.status, 413, `${op.method} ${op.path}`);
        assert.equal(r.body.error.code, 'payload_too_large');
      }
      for (const headers of [{ 'x-pad': 'x'.repeat(20_000) }, Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`x-h${i}`, 'y'.repeat(50)]))]) {
        const r = await this.send(op, op.path, { headers });
        assert.equal(r.status, 431, `${op.method} ${op.path}`);
        assert.equal(r.body.error.code, 'headers_too_large');
      }
    }
  }
}
