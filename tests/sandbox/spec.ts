/**
 * Loads sandbox/openapi.yaml and checks real responses against it:
 *  - the status must be documented for (method, route),
 *  - a JSON body must validate against the documented response schema (ajv, JSON Schema 2020-12).
 * Every checked (method, route, status) is recorded, so a test can assert every documented status was produced.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

export type Service = 'payment' | 'banking';

interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}
interface PathItem {
  servers?: { description?: string }[];
  [method: string]: unknown;
}
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, PathItem>;
  components: { responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; schemas: Record<string, unknown> };
}

export const SPEC_PATH = fileURLToPath(new URL('../../sandbox/openapi.yaml', import.meta.url));
export const spec = parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiDoc;

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec as object, 'openapi');

interface Route {
  template: string;
  re: RegExp;
  services: Service[];
}

const routes: Route[] = Object.keys(spec.paths).map((template) => {
  const item = spec.paths[template] ?? {};
  const services = (item.servers ?? []).map((s) => (s.description?.startsWith('payment') ? 'payment' : 'banking')) as Service[];
  const re = new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+') + '$');
  return { template, re, services };
});

/** All documented (METHOD route status) tuples. */
export function documentedTuples(): string[] {
  const out: string[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const m of METHODS) {
      const op = item[m] as Operation | undefined;
      if (!op) continue;
      for (const status of Object.keys(op.responses)) out.push(`${m.toUpperCase()} ${template} ${status}`);
    }
  }
  return out.sort();
}

export const seen = new Set<string>();

export function findRoute(service: Service, method: string, path: string): { template: string; op: Operation } | null {
  const p = path.split('?')[0] ?? path;
  for (const r of routes) {
    if (!r.services.includes(service) || !r.re.test(p)) continue;
    const op = spec.paths[r.template]?.[method.toLowerCase()] as Operation | undefined;
    if (op) return { template: r.template, op };
  }
  return null;
}

const validators = new Map<string, ReturnType<typeof ajv.compile>>();

function responseSchemaRef(template: string, method: string, status: string, op: Operation, contentType: string): string | null {
  const resp = op.responses[status];
  if (!resp) return null;
  const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  let base = `openapi#/paths/${esc(template)}/${method.toLowerCase()}/responses/${status}`;
  let content = resp.content;
  if (resp.$ref) {
    const name = resp.$ref.split('/').pop() ?? '';
    base = `openapi#/components/responses/${name}`;
    content = spec.components.responses[name]?.content;
  }
  if (!content?.[contentType]?.schema) return null;
  return `${base}/content/${esc(contentType)}/schema`;
}

/**
 * Throws (assertion-style Error) when the response is not what the spec documents.
 * Unknown routes must answer 404 with the Error shape.
 */
export function checkResponse(service: Service, method: string, path: string, status: number, contentType: string, body: unknown): void {
  const route = findRoute(service, method, path);
  if (!route) {
    if (status !== 404 && status !== 401 && status !== 429) {
      throw new Error(`${service} ${method} ${path}: undocumented route answered ${status}`);
    }
    validateAgainst('openapi#/components/schemas/Error', body, `${service} ${method} ${path} ${status}`);
    return;
  }
  const key = String(status);
  if (!(key in route.op.responses)) {
    throw new Error(`${service} ${method} ${path} -> ${status} is not documented for ${method} ${route.template} (documented: ${Object.keys(route.op.responses).join(', ')}) body=${JSON.stringify(body).slice(0, 300)}`);
  }
  seen.add(`${method.toUpperCase()} ${route.template} ${key}`);
  const ct = contentType.split(';')[0]?.trim() ?? '';
  if (ct === 'application/x-ndjson') return; // streamed; lines are checked by the streaming tests
  const ref = responseSchemaRef(route.template, method, key, route.op, ct);
  if (ref === null) throw new Error(`${method} ${route.template} ${status}: no schema documented for content type '${ct}'`);
  validateAgainst(ref, body, `${service} ${method} ${path} ${status}`);
}

export function validateAgainst(ref: string, body: unknown, label: string): void {
  let v = validators.get(ref);
  if (!v) {
    v = ajv.compile({ $ref: ref });
    validators.set(ref, v);
  }
  if (!v(body)) {
    throw new Error(`${label}: response does not match ${ref}: ${ajv.errorsText(v.errors)}\nbody=${JSON.stringify(body).slice(0, 500)}`);
  }
}
