/**
 * The sandbox validates requests with the schemas its routes declare; sandbox/openapi.yaml documents
 * them. This proves the two say the same thing for every route: each request body, path parameter and
 * query parameter, compared on every keyword that decides validity (type, required, bounds, lengths,
 * patterns, enums, items, nested properties). Descriptions, examples and formats are documentation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify, { type RouteOptions } from 'fastify';
import { registerBankingRoutes } from '../../sandbox/banking/routes.ts';
import { registerCommonRoutes } from '../../sandbox/common.ts';
import { loadConfig } from '../../sandbox/config.ts';
import type { SandboxState } from '../../sandbox/state.ts';
import { openDatabase } from '../../sandbox/db.ts';
import { FaultInjector, parseFaultSpec } from '../../sandbox/faults.ts';
import { registerPaymentRoutes } from '../../sandbox/payment/routes.ts';
import { spec } from './spec.ts';

type Json = Record<string, unknown>;

const VALIDATING = ['type', 'required', 'properties', 'items', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'additionalProperties', 'oneOf', 'anyOf', 'const'];

function deref(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  const ref = (node as Json).$ref;
  if (typeof ref === 'string') {
    let target: unknown = spec;
    for (const part of ref.replace(/^#\//, '').split('/')) target = (target as Json)[part];
    return deref(target);
  }
  return node;
}

/** Only the keywords that decide validity, $refs resolved, required as a sorted set. */
function normalise(node: unknown): unknown {
  const n = deref(node);
  if (Array.isArray(n)) return n.map(normalise);
  if (n === null || typeof n !== 'object') return n;
  const out: Json = {};
  for (const k of VALIDATING) {
    const v = (n as Json)[k];
    if (v === undefined) continue;
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Json).sort(([a], [b]) => a.localeCompare(b)).map(([p, s]) => [p, normalise(s)]));
    else if (k === 'required') out[k] = [...(v as string[])].sort();
    else if (k === 'type' && Array.isArray(v)) out[k] = [...v].sort();
    else out[k] = typeof v === 'object' ? normalise(v) : v;
  }
  return out;
}

function sandboxRoutes(): RouteOptions[] {
  const config = loadConfig({});
  const ctx: SandboxState = {
    config,
    sdb: openDatabase(':memory:'),
    faults: new FaultInjector(parseFaultSpec('')),
    limiter: null,
    generation: { active: false },
    closing: false,
  };
  const routes: RouteOptions[] = [];
  for (const register of [registerPaymentRoutes, registerBankingRoutes]) {
    const app = Fastify();
    app.addHook('onRoute', (r) => void routes.push(r));
    registerCommonRoutes(app, ctx, register === registerPaymentRoutes ? 'payment' : 'banking');
    register(app, ctx);
  }
  return routes;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
}

test('every route validates exactly what the contract documents: bodies, path and query parameters', () => {
  const checked = new Set<string>();
  const problems: string[] = [];
  for (const route of sandboxRoutes()) {
    const method = String(route.method).toLowerCase();
    if (method === 'head') continue;
    const template = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const op = (spec.paths[template] as Json | undefined)?.[method] as Json | undefined;
    const where = `${method.toUpperCase()} ${template}`;
    if (!op) {
      problems.push(`${where}: served but not in sandbox/openapi.yaml`);
      continue;
    }
    if (checked.has(where)) continue;
    checked.add(where);
    const schema = (route.schema ?? {}) as Json;

    const body = deref((deref(op.requestBody) as Json | undefined)?.content) as Json | undefined;
    const documented = body?.['application/json'] ? normalise((body['application/json'] as Json).schema) : undefined;
    const enforced = schema.body === undefined ? undefined : normalise(schema.body);
    try {
      assert.deepEqual(enforced, documented);
    } catch {
      problems.push(`${where} body: route ${JSON.stringify(enforced)} vs contract ${JSON.stringify(documented)}`);
    }

    const params = ((op.parameters ?? []) as unknown[]).map((p) => deref(p) as Parameter);
    for (const [part, httpPart] of [['path', 'params'], ['query', 'querystring']] as const) {
      const doc = params.filter((p) => p.in === part);
      const enforcedPart = schema[httpPart] as Json | undefined;
      const enforcedProps = (enforcedPart?.properties ?? {}) as Json;
      const docNames = doc.map((p) => p.name).sort();
      if (JSON.stringify(Object.keys(enforcedProps).sort()) !== JSON.stringify(docNames)) {
        problems.push(`${where} ${part} parameters: route [${Object.keys(enforcedProps).sort()}] vs contract [${docNames}]`);
        continue;
      }
      const enforcedRequired = [...((enforcedPart?.required ?? []) as string[])].sort();
      const docRequired = doc.filter((p) => p.required).map((p) => p.name).sort();
      if (JSON.stringify(enforcedRequired) !== JSON.stringify(docRequired)) {
        problems.push(`${where} required ${part} parameters: route [${enforcedRequired}] vs contract [${docRequired}]`);
      }
      for (const p of doc) {
        const a = normalise(enforcedProps[p.name]);
        const b = normalise(p.schema);
        if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${where} ${part} '${p.name}': route ${JSON.stringify(a)} vs contract ${JSON.stringify(b)}`);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked.size >= 15, `only ${checked.size} routes compared`);
});
