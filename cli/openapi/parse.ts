// Reads an OpenAPI 3.0 / 3.1 document into the few facts the generator needs: each operation's method,
// path, parameters, request body (content type, schema, example), documented statuses, links and
// security. Local `$ref`s (`#/components/...`) are resolved here, to a bounded depth, so the model and
// the emitter never see one. Pure apart from `loadSpec`, which reads the file.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** A schema with its `$ref`s resolved to `REF_DEPTH` levels; deeper references become `{}` (anything). */
export type Schema = JsonObject;

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** How many `$ref`s deep a schema is followed: enough for real specs, finite for recursive ones. */
export const REF_DEPTH = 12;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Schema;
  /** The parameter's own `example`, or the first of its `examples`. */
  example?: Json;
}

export interface RequestBody {
  /** The content type the generator sends: the first of the spec's, JSON and form preferred. */
  contentType: string;
  required: boolean;
  schema: Schema;
  example?: Json;
}

export interface Link {
  /** The target operation's operationId (operationRef to a local path is resolved to it). */
  operationId: string;
  /** Target parameter name -> runtime expression (`$response.body#/id`). */
  parameters: Record<string, string>;
}

export interface Operation {
  /** The spec's operationId, when it has one. */
  operationId?: string;
  method: HttpMethod;
  path: string;
  summary?: string;
  tags: string[];
  parameters: Parameter[];
  requestBody?: RequestBody;
  /** Documented statuses in document order ('200', '4XX', 'default' as written). */
  statuses: string[];
  /** Schema of the first documented 2xx answer's JSON body, if any. */
  successSchema?: Schema;
  links: Link[];
  /** Names of the security schemes this operation accepts (op-level, else the document's); [] = none. */
  security: string[];
  /** The servers that apply (operation, path or document level), first first. */
  servers: string[];
}

export interface SecurityScheme {
  type: string;
  scheme?: string;
  in?: string;
  name?: string;
}

export interface ParsedSpec {
  title: string;
  version: string;
  openapi: string;
  servers: string[];
  securitySchemes: Record<string, SecurityScheme>;
  operations: Operation[];
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Follows a local `#/a/b` pointer; throws on a remote or dangling one (the message names it). */
export function lookupRef(doc: JsonObject, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got '${ref}'`);
  let node: Json = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) && !Array.isArray(node)) throw new Error(`$ref '${ref}' does not resolve`);
    const next: Json | undefined = Array.isArray(node) ? node[Number(key)] : node[key];
    if (next === undefined) throw new Error(`$ref '${ref}' does not resolve`);
    node = next;
  }
  return node;
}

/** One level: the node a `$ref` points to (chains followed, bounded), or the node itself. */
export function deref(doc: JsonObject, node: Json | undefined, hops = 0): Json | undefined {
  if (!isObject(node) || typeof node.$ref !== 'string') return node;
  if (hops >= REF_DEPTH) throw new Error(`$ref chain deeper than ${REF_DEPTH} at '${node.$ref}'`);
  return deref(doc, lookupRef(doc, node.$ref), hops + 1);
}

/** Resolves every `$ref` under `node`; past `depth` references a schema becomes `{}` (cycles end there). */
export function resolveDeep(doc: JsonObject, node: Json | undefined, depth = REF_DEPTH): Json | undefined {
  if (Array.isArray(node)) return node.map((n) => resolveDeep(doc, n, depth) ?? null);
  if (!isObject(node)) return node;
  if (typeof node.$ref === 'string') {
    if (depth <= 0) return {};
    const { $ref, ...siblings } = node;
    const target = resolveDeep(doc, lookupRef(doc, $ref as string), depth - 1);
    // 3.1 allows keywords next to $ref; they refine the target.
    return isObject(target) ? { ...target, ...siblings } : target;
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    // `example`s are data, not schemas: a `$ref` key inside one is kept as written.
    out[k] = k === 'example' || k === 'examples' || k === 'const' || k === 'enum' || k === 'default' ? v : (resolveDeep(doc, v, depth) ?? null);
  }
  return out;
}

function firstExample(doc: JsonObject, node: JsonObject): Json | undefined {
  if (node.example !== undefined) return node.example;
  const examples = deref(doc, node.examples);
  if (isObject(examples)) {
    for (const e of Object.values(examples)) {
      const ex = deref(doc, e);
      if (isObject(ex) && ex.value !== undefined) return ex.value;
    }
  }
  return undefined;
}

function serverUrls(node: Json | undefined): string[] | undefined {
  if (!Array.isArray(node)) return undefined;
  const urls = node.filter(isObject).map((s) => s.url).filter((u): u is string => typeof u === 'string');
  return urls.length > 0 ? urls : undefined;
}

const PREFERRED_CONTENT = [/^application\/json/i, /^application\/x-www-form-urlencoded/i, /\+json/i];

function pickContent(content: JsonObject): [string, JsonObject] | undefined {
  const entries = Object.entries(content).filter((e): e is [string, JsonObject] => isObject(e[1]));
  for (const re of PREFERRED_CONTENT) {
    const hit = entries.find(([type]) => re.test(type));
    if (hit) return hit;
  }
  return entries[0];
}

function parseParameter(doc: JsonObject, raw: Json): Parameter | undefined {
  const p = deref(doc, raw);
  if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string') return undefined;
  const schema = resolveDeep(doc, p.schema ?? {});
  const param: Parameter = {
    name: p.name,
    in: p.in as Parameter['in'],
    required: p.required === true || p.in === 'path',
    schema: isObject(schema) ? schema : {},
  };
  const example = firstExample(doc, p);
  if (example !== undefined) param.example = example;
  return param;
}

function securityNames(node: Json | undefined): string[] | undefined {
  if (!Array.isArray(node)) return undefined;
  // Any one requirement object suffices; the first names the scheme the generator uses.
  return node.filter(isObject).flatMap((req) => Object.keys(req));
}

function parseLinks(doc: JsonObject, response: JsonObject, operationIdByRef: Map<string, string>): Link[] {
  const links = deref(doc, response.links);
  if (!isObject(links)) return [];
  const out: Link[] = [];
  for (const raw of Object.values(links)) {
    const link = deref(doc, raw);
    if (!isObject(link)) continue;
    const target =
      typeof link.operationId === 'string' ? link.operationId : typeof link.operationRef === 'string' ? operationIdByRef.get(link.operationRef) : undefined;
    if (target === undefined || !isObject(link.parameters)) continue;
    const parameters: Record<string, string> = {};
    for (const [name, expr] of Object.entries(link.parameters)) if (typeof expr === 'string') parameters[name.replace(/^(path|query|header)\./, '')] = expr;
    out.push({ operationId: target, parameters });
  }
  return out;
}

/** The facts of a parsed document (an object already read from YAML or JSON). */
export function parseSpec(doc: unknown): ParsedSpec {
  if (!isObject(doc)) throw new Error('the OpenAPI document is not an object');
  const version = typeof doc.openapi === 'string' ? doc.openapi : '';
  if (!/^3\.[01]\./.test(version)) throw new Error(`only OpenAPI 3.0 and 3.1 are supported, this document says openapi: '${version || String(doc.swagger ?? '?')}'`);
  const info = isObject(doc.info) ? doc.info : {};
  const components = isObject(doc.components) ? doc.components : {};
  const schemes: Record<string, SecurityScheme> = {};
  for (const [name, raw] of Object.entries(isObject(components.securitySchemes) ? components.securitySchemes : {})) {
    const s = deref(doc, raw);
    if (isObject(s) && typeof s.type === 'string') {
      const scheme: SecurityScheme = { type: s.type };
      if (typeof s.scheme === 'string') scheme.scheme = s.scheme.toLowerCase();
      if (typeof s.in === 'string') scheme.in = s.in;
      if (typeof s.name === 'string') scheme.name = s.name;
      schemes[name] = scheme;
    }
  }
  const docServers = serverUrls(doc.servers) ?? [];
  const docSecurity = securityNames(doc.security) ?? [];
  const paths = isObject(doc.paths) ? doc.paths : {};

  // operationRef '#/paths/~1v1~1x/get' -> operationId, for links that use it.
  const operationIdByRef = new Map<string, string>();
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const m of HTTP_METHODS) {
      const op = item[m];
      if (isObject(op) && typeof op.operationId === 'string') operationIdByRef.set(`#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${m}`, op.operationId);
    }
  }

  const operations: Operation[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(doc, rawItem);
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    // In the document's order, which is the order a reader of the spec expects in the generated table.
    for (const method of Object.keys(item).filter((k): k is HttpMethod => (HTTP_METHODS as readonly string[]).includes(k))) {
      const op = item[method];
      if (!isObject(op)) continue;
      // Operation-level parameters override path-level ones with the same name and location.
      const params = new Map<string, Parameter>();
      for (const raw of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        const p = parseParameter(doc, raw);
        if (p) params.set(`${p.in}:${p.name}`, p);
      }
      // A `{name}` in the template that no parameter declares still needs a value.
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        if (name !== undefined && !params.has(`path:${name}`)) params.set(`path:${name}`, { name, in: 'path', required: true, schema: { type: 'string' } });
      }
      const statuses: string[] = [];
      let successSchema: Schema | undefined;
      const links: Link[] = [];
      for (const [status, rawRes] of Object.entries(isObject(op.responses) ? op.responses : {})) {
        statuses.push(status);
        const res = deref(doc, rawRes);
        if (!isObject(res) || !/^2\d\d$/.test(status)) continue;
        links.push(...parseLinks(doc, res, operationIdByRef));
        if (successSchema === undefined && isObject(res.content)) {
          const json = Object.entries(res.content).find(([type]) => /^application\/(json|[^;]*\+json)\s*(;|$)/i.test(type));
          const schema = json && isObject(json[1]) ? resolveDeep(doc, json[1].schema) : undefined;
          if (isObject(schema)) successSchema = schema;
        }
      }
      const operation: Operation = {
        method,
        path,
        tags: Array.isArray(op.tags) ? op.tags.filter((t): t is string => typeof t === 'string') : [],
        parameters: [...params.values()],
        statuses,
        links,
        security: securityNames(op.security) ?? docSecurity,
        servers: serverUrls(op.servers) ?? serverUrls(item.servers) ?? docServers,
      };
      if (typeof op.operationId === 'string') operation.operationId = op.operationId;
      if (typeof op.summary === 'string') operation.summary = op.summary;
      if (successSchema) operation.successSchema = successSchema;
      const body = deref(doc, op.requestBody);
      if (isObject(body) && isObject(body.content)) {
        const picked = pickContent(body.content);
        if (picked) {
          const [contentType, media] = picked;
          const schema = resolveDeep(doc, media.schema ?? {});
          const requestBody: RequestBody = { contentType, required: body.required === true, schema: isObject(schema) ? schema : {} };
          const example = firstExample(doc, media) ?? (isObject(schema) ? schema.example : undefined);
          if (example !== undefined) requestBody.example = example;
          operation.requestBody = requestBody;
        }
      }
      operations.push(operation);
    }
  }
  return {
    title: typeof info.title === 'string' ? info.title : 'API',
    version: typeof info.version === 'string' ? info.version : '',
    openapi: version,
    servers: docServers,
    securitySchemes: schemes,
    operations,
  };
}

/** Reads a YAML or JSON file (YAML is a superset of JSON) and parses it. */
export function loadSpec(file: string): ParsedSpec {
  let doc: unknown;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the spec ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    doc = parseYaml(text, { maxAliasCount: 10_000 });
  } catch (e) {
    throw new Error(`${file}: not YAML or JSON (${(e as Error).message.split('\n')[0]})`);
  }
  try {
    return parseSpec(doc);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}
