// Reads an OpenAPI 3.0 / 3.1 document into the few facts the generator needs, in two passes so a big spec
// costs little:
//   1. `listOperations`: every operation's method, path, key facts (tags, statuses, servers, security,
//      links, body type, retryable statuses). No schema is read; a `$ref` to a parameter, body or response
//      is looked up with the parser's own $refs, one object at a time.
//   2. `loadDetails`: only for the operations asked for (the chosen ones, then the creates the model calls), the document is
//      pruned to them and dereferenced by @apidevtools/json-schema-ref-parser. References are shared, so
//      a recursive schema stays an object cycle (readers bound their own depth); examples, const, enum and
//      default are data and are left as written.
// One file (~500 lines) because both passes read one document through the same helpers (references
// followed with the parser's $refs, content picked, examples found); split, each half would import the other.
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { $RefParser, type $Refs } from '@apidevtools/json-schema-ref-parser';
import { parse as parseYaml } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** A dereferenced schema: `$ref`s replaced by the objects they name, recursive ones as object cycles. */
export type Schema = JsonObject;

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * How deep the parser may nest while dereferencing. Its default (500) throws on large real specs, whose
 * chains of distinct schemas run deeper; cycles do not count (they are shared, not unrolled). The real
 * bound is the stack (STACK_KB).
 */
export const DEREF_MAX_DEPTH = 100_000;

/**
 * The stack `npm run new-service` gives Node (`--stack-size`, KB; package.json). The walk is depth first:
 * through schemas that refer to each other (expandable fields, back-references) one path can pass
 * thousands of distinct schemas before it meets one it has seen, about 1 KB of stack each. Node's
 * default (~1 MB) ends near 1,000; Linux gives the main thread 8 MB.
 */
export const STACK_KB = 6000;

/** Statuses that, documented with a `Retry-After` header, mean "come back later" rather than "failed". */
export const RETRYABLE = ['409', '429', '503'] as const;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  /** `{}` until the operation's details are loaded. */
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
  /** The content type of the request body the generator would send, known without loading details. */
  bodyType?: string;
  /** Set by loadDetails. */
  requestBody?: RequestBody;
  /** Documented statuses in document order ('200', '4XX', 'default' as written). */
  statuses: string[];
  /** Documented 409/429/503 answers that carry a Retry-After header, as numbers. */
  retry: number[];
  /** Schema of the first documented 2xx answer's JSON body, if any (set by loadDetails). */
  successSchema?: Schema;
  links: Link[];
  /** Names of the security schemes this operation accepts (op-level, else the document's); [] = none. */
  security: string[];
  /** The servers that apply (operation, path or document level), first first, variables at their defaults. */
  servers: string[];
  /** Parameters, body and success schemas are loaded (loadDetails). */
  detailed: boolean;
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

/** A document as read, with the parser's view of its references (for one-object look-ups). */
export interface SpecDocument {
  doc: JsonObject;
  refs: $Refs;
  /** The file it came from (relative `$ref`s resolve against it), or the working directory. */
  base: string;
  /** Each listed operation's object in the document, for loadDetails. */
  sources: WeakMap<Operation, { item: JsonObject; op: JsonObject }>;
  /** Objects an earlier loadDetails dereferenced (in place): a later one does not walk them again. */
  done: WeakSet<object>;
  /** Example data, found on the first loadDetails (dataObjects). */
  data?: WeakSet<object>;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A JSON pointer segment, escaped. */
const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

// Keywords whose value is data, not schema: a `$ref` inside one is part of the example and stays.
const DATA = new Set(['example', 'const', 'enum', 'default']);
// Keywords whose value maps names to things: the next segment is a name ('default' response, a property
// called 'example'), never a keyword.
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'responses', 'headers', 'encoding', 'links', 'callbacks', 'content', 'schemas', 'parameters', 'requestBodies', 'securitySchemes', 'paths', 'variables', 'mapping']);

/**
 * The objects the dereference must not enter: example data (an `example`, `const`, `enum` or `default`
 * keyword's value, a schema's `examples` array, an Example Object's `value`), where a `$ref` key is part
 * of the data. Found by one walk over the document as written (a tree), telling keywords from names
 * (a property called `default`, the `default` response); the parser is then told by identity, not by
 * reading its paths, which on a recursive spec grow to thousands of segments.
 */
export function dataObjects(doc: JsonObject): WeakSet<object> {
  const data = new WeakSet<object>();
  const seen = new Set<object>();
  // [node, its keys are names (the values are again at keyword position)]
  const stack: Array<[Json, boolean]> = [[doc, false]];
  while (stack.length > 0) {
    const [node, names] = stack.pop() as [Json, boolean];
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const v of node) stack.push([v, false]);
      continue;
    }
    for (const [k, v] of Object.entries(node)) {
      if (v === null || typeof v !== 'object') continue;
      if (names) stack.push([v, false]);
      else if (DATA.has(k)) data.add(v);
      else if (k === 'examples') {
        if (Array.isArray(v)) data.add(v);
        else for (const ex of Object.values(v)) if (isObject(ex) && ex.value !== null && typeof ex.value === 'object') data.add(ex.value);
      } else stack.push([v, NAME_MAPS.has(k)]);
    }
  }
  return data;
}

function serverUrls(node: Json | undefined): string[] | undefined {
  if (!Array.isArray(node)) return undefined;
  const urls: string[] = [];
  for (const s of node) {
    if (!isObject(s) || typeof s.url !== 'string') continue;
    const vars = isObject(s.variables) ? s.variables : {};
    urls.push(s.url.replace(/\{([^}]+)\}/g, (all, name: string) => {
      const v = vars[name];
      return isObject(v) && typeof v.default === 'string' ? v.default : all;
    }));
  }
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

function securityNames(node: Json | undefined): string[] | undefined {
  if (!Array.isArray(node)) return undefined;
  // Any one requirement object suffices; the first names the scheme the generator uses.
  return node.filter(isObject).flatMap((req) => Object.keys(req));
}

/** Reads a YAML or JSON file; a syntax error names the file, line and column. */
export async function readSpec(file: string): Promise<SpecDocument> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the spec ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let doc: unknown;
  // JSON goes to JSON.parse: on a spec of several megabytes it is many times faster than a YAML parser.
  if (/^\s*\{/.test(text)) {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
    }
  } else {
    try {
      doc = parseYaml(text, { maxAliasCount: 10_000 });
    } catch (e) {
      throw new Error(`${file}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
    }
  }
  try {
    return await specDocument(doc, resolvePath(file));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

/** Checks the document's frame and lets the parser index its references (nothing is dereferenced yet). */
export async function specDocument(doc: unknown, base = resolvePath('openapi.json')): Promise<SpecDocument> {
  if (!isObject(doc)) throw new Error('the OpenAPI document is not an object');
  const version = typeof doc.openapi === 'string' ? doc.openapi : '';
  if (!/^3\.[01]\./.test(version)) throw new Error(`only OpenAPI 3.0 and 3.1 are supported, this document says openapi: '${version || String(doc.swagger ?? '?')}'`);
  if (doc.paths !== undefined && !isObject(doc.paths)) throw new Error('#/paths: must be an object');
  // Local references only: a spec that spreads over files or URLs is bundled into one first (e.g. `redocly bundle`).
  const refs = await new $RefParser().resolve(base, doc as never, { resolve: { external: false } });
  return { doc, refs, base, sources: new WeakMap(), done: new WeakSet() };
}

/** The object a `$ref` names (chains followed), or the node itself; a bad reference is named with where it is. */
function follow(sd: SpecDocument, node: Json | undefined, where: string): Json | undefined {
  for (let hops = 0; isObject(node) && typeof node.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`${where}: $ref chain longer than 20 at '${node.$ref}'`);
    const ref = node.$ref;
    if (!ref.startsWith('#')) throw new Error(`${where}: $ref '${ref}' points outside this document; only local references (#/...) are read: bundle the spec into one file first`);
    try {
      node = sd.refs.get(ref) as Json;
    } catch (e) {
      throw new Error(`${where}: $ref '${ref}' does not resolve (${(e as Error).message})`);
    }
  }
  return node;
}

function firstExample(sd: SpecDocument, node: JsonObject, where: string): Json | undefined {
  if (node.example !== undefined) return node.example;
  const examples = follow(sd, node.examples, `${where}/examples`);
  if (isObject(examples)) {
    for (const [name, e] of Object.entries(examples)) {
      const ex = follow(sd, e, `${where}/examples/${esc(name)}`);
      if (isObject(ex) && ex.value !== undefined) return ex.value;
    }
  }
  return undefined;
}

function parseLinks(sd: SpecDocument, response: JsonObject, where: string, operationIdByRef: Map<string, string>): Link[] {
  const links = follow(sd, response.links, `${where}/links`);
  if (!isObject(links)) return [];
  const out: Link[] = [];
  for (const [name, raw] of Object.entries(links)) {
    const link = follow(sd, raw, `${where}/links/${esc(name)}`);
    if (!isObject(link)) continue;
    const target =
      typeof link.operationId === 'string' ? link.operationId : typeof link.operationRef === 'string' ? operationIdByRef.get(link.operationRef) : undefined;
    if (target === undefined || !isObject(link.parameters)) continue;
    const parameters: Record<string, string> = {};
    for (const [param, expr] of Object.entries(link.parameters)) if (typeof expr === 'string') parameters[param.replace(/^(path|query|header)\./, '')] = expr;
    out.push({ operationId: target, parameters });
  }
  return out;
}

/** Every operation's facts, no schema read. Fast on a big spec: it touches each operation object once. */
export function listOperations(sd: SpecDocument): ParsedSpec {
  const { doc } = sd;
  const info = isObject(doc.info) ? doc.info : {};
  const components = isObject(doc.components) ? doc.components : {};
  const schemes: Record<string, SecurityScheme> = {};
  for (const [name, raw] of Object.entries(isObject(components.securitySchemes) ? components.securitySchemes : {})) {
    const s = follow(sd, raw, `#/components/securitySchemes/${esc(name)}`);
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
      if (isObject(op) && typeof op.operationId === 'string') operationIdByRef.set(`#/paths/${esc(path)}/${m}`, op.operationId);
    }
  }

  const operations: Operation[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    const itemAt = `#/paths/${esc(path)}`;
    const item = follow(sd, rawItem, itemAt);
    if (!isObject(item)) throw new Error(`${itemAt}: a path item must be an object`);
    const shared = item.parameters === undefined ? [] : item.parameters;
    if (!Array.isArray(shared)) throw new Error(`${itemAt}/parameters: must be an array`);
    // In the document's order, which is the order a reader of the spec expects in the generated table.
    for (const method of Object.keys(item).filter((k): k is HttpMethod => (HTTP_METHODS as readonly string[]).includes(k))) {
      const at = `${itemAt}/${method}`;
      const op = item[method];
      if (!isObject(op)) throw new Error(`${at}: an operation must be an object`);
      if (op.parameters !== undefined && !Array.isArray(op.parameters)) throw new Error(`${at}/parameters: must be an array`);
      if (op.responses !== undefined && !isObject(op.responses)) throw new Error(`${at}/responses: must be an object`);
      // Operation-level parameters override path-level ones with the same name and location.
      const params = new Map<string, Parameter>();
      const rawParams: Array<[Json, string]> = [
        ...shared.map((p, i): [Json, string] => [p, `${itemAt}/parameters/${i}`]),
        ...((op.parameters as Json[] | undefined) ?? []).map((p, i): [Json, string] => [p, `${at}/parameters/${i}`]),
      ];
      for (const [raw, where] of rawParams) {
        const p = follow(sd, raw, where);
        if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string') throw new Error(`${where}: a parameter needs a name and an in`);
        const param: Parameter = { name: p.name, in: p.in as Parameter['in'], required: p.required === true || p.in === 'path', schema: {} };
        const example = firstExample(sd, p, where);
        if (example !== undefined) param.example = example;
        params.set(`${p.in}:${p.name}`, param);
      }
      // A `{name}` in the template that no parameter declares still needs a value.
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        if (name !== undefined && !params.has(`path:${name}`)) params.set(`path:${name}`, { name, in: 'path', required: true, schema: { type: 'string' } });
      }
      const statuses: string[] = [];
      const retry: number[] = [];
      const links: Link[] = [];
      for (const [status, rawRes] of Object.entries(isObject(op.responses) ? op.responses : {})) {
        statuses.push(status);
        const where = `${at}/responses/${esc(status)}`;
        const res = follow(sd, rawRes, where);
        if (!isObject(res)) throw new Error(`${where}: a response must be an object`);
        if ((RETRYABLE as readonly string[]).includes(status) && isObject(res.headers) && Object.keys(res.headers).some((h) => h.toLowerCase() === 'retry-after')) retry.push(Number(status));
        if (/^2\d\d$/.test(status)) links.push(...parseLinks(sd, res, where, operationIdByRef));
      }
      const operation: Operation = {
        method,
        path,
        tags: Array.isArray(op.tags) ? op.tags.filter((t): t is string => typeof t === 'string') : [],
        parameters: [...params.values()],
        statuses,
        retry,
        links,
        security: securityNames(op.security) ?? docSecurity,
        servers: serverUrls(op.servers) ?? serverUrls(item.servers) ?? docServers,
        detailed: false,
      };
      if (typeof op.operationId === 'string') operation.operationId = op.operationId;
      if (typeof op.summary === 'string') operation.summary = op.summary;
      const body = follow(sd, op.requestBody, `${at}/requestBody`);
      if (isObject(body) && isObject(body.content)) {
        const picked = pickContent(body.content);
        if (picked) operation.bodyType = picked[0];
      }
      sd.sources.set(operation, { item, op });
      operations.push(operation);
    }
  }
  return {
    title: typeof info.title === 'string' ? info.title : 'API',
    version: typeof info.version === 'string' ? info.version : '',
    openapi: String(doc.openapi),
    servers: docServers,
    securitySchemes: schemes,
    operations,
  };
}

/**
 * Loads parameters', bodies' and success answers' schemas for `ops` only: the document is pruned to
 * them and dereferenced by the parser (components are entered only where these operations refer).
 */
export async function loadDetails(sd: SpecDocument, ops: readonly Operation[]): Promise<void> {
  const todo = ops.filter((o) => !o.detailed);
  if (todo.length === 0) return;
  const paths: JsonObject = {};
  const pointers = new Map<Operation, string>();
  for (const o of todo) {
    const src = sd.sources.get(o);
    if (!src) throw new Error(`${o.method.toUpperCase()} ${o.path} is not from this document`);
    const { [o.method]: _, ...rest } = src.item;
    const pruned = (paths[o.path] ??= Object.fromEntries(Object.entries(rest).filter(([k]) => !(HTTP_METHODS as readonly string[]).includes(k)))) as JsonObject;
    pruned[o.method] = src.op;
    pointers.set(o, `#/paths/${esc(o.path)}/${o.method}`);
  }
  const doc: JsonObject = { openapi: sd.doc.openapi ?? null, info: sd.doc.info ?? {}, paths };
  if (sd.doc.components !== undefined) doc.components = sd.doc.components;
  let out: JsonObject;
  const outside: string[] = [];
  const data = (sd.data ??= dataObjects(doc));
  const done = sd.done;
  const walked: object[] = [];
  try {
    out = (await new $RefParser().dereference(sd.base, doc as never, {
      resolve: { external: false },
      dereference: {
        circular: true,
        maxDepth: DEREF_MAX_DEPTH,
        // Components are entered through the references that need them, not crawled whole; example data never.
        excludedPathMatcher: (p: string, value?: unknown) => {
          if (p === '#/components') return true;
          if (value === null || typeof value !== 'object') return false;
          if (data.has(value) || done.has(value)) return true;
          if (isObject(value) && typeof value.$ref === 'string') {
            if (!value.$ref.startsWith('#')) outside.push(`${p}: $ref '${value.$ref}'`);
          } else walked.push(value); // free of $refs when this call ends (a $ref object is replaced, so never kept)
          return false;
        },
      },
    })) as unknown as JsonObject;
  } catch (e) {
    const err = e as Error & { path?: unknown; errors?: Array<{ message: string; path?: unknown }> };
    const where = (p: unknown) => (Array.isArray(p) ? `#/${p.map((x) => esc(String(x))).join('/')}: ` : '');
    if (err instanceof RangeError && /call stack/.test(err.message)) {
      throw new Error(`the schemas refer to each other deeper than this process's stack allows: give it more: \`ulimit -s 65536; node --stack-size=60000 --import tsx cli/new-service.ts ...\``);
    }
    if (Array.isArray(err.errors)) throw new Error(err.errors.map((x) => `${where(x.path)}${x.message}`).join('; '));
    throw new Error(`${where(err.path)}${err.message}`);
  }
  for (const o of walked) done.add(o);
  if (outside.length > 0) throw new Error(`${outside.slice(0, 5).join('; ')} points outside this document; only local references (#/...) are read: bundle the spec into one file first`);
  const outPaths = out.paths as Record<string, JsonObject>;
  for (const o of todo) {
    const item = outPaths[o.path] as JsonObject;
    const op = item[o.method] as JsonObject;
    const at = pointers.get(o) as string;
    const schemas = new Map<string, Schema>();
    for (const raw of [...((item.parameters as Json[] | undefined) ?? []), ...((op.parameters as Json[] | undefined) ?? [])]) {
      if (isObject(raw) && typeof raw.name === 'string') schemas.set(`${raw.in}:${raw.name}`, isObject(raw.schema) ? raw.schema : {});
    }
    for (const p of o.parameters) {
      const s = schemas.get(`${p.in}:${p.name}`);
      if (s) p.schema = s;
    }
    for (const [status, res] of Object.entries(isObject(op.responses) ? op.responses : {})) {
      if (!isObject(res) || !/^2\d\d$/.test(status) || !isObject(res.content)) continue;
      const json = Object.entries(res.content).find(([type]) => /^application\/(json|[^;]*\+json)\s*(;|$)/i.test(type));
      if (json && isObject(json[1]) && isObject(json[1].schema)) {
        o.successSchema = json[1].schema;
        break;
      }
    }
    const body = op.requestBody;
    if (isObject(body) && isObject(body.content)) {
      const picked = pickContent(body.content);
      if (picked) {
        const [contentType, media] = picked;
        const schema = isObject(media.schema) ? media.schema : {};
        const requestBody: RequestBody = { contentType, required: body.required === true, schema };
        const example = firstExample(sd, media, `${at}/requestBody/content/${esc(contentType)}`) ?? schema.example;
        if (example !== undefined) requestBody.example = example;
        o.requestBody = requestBody;
      }
    }
    o.detailed = true;
  }
}

/** Lists a parsed document's operations and loads the details of those `pick` returns (default: all). */
export async function parseSpec(doc: unknown, pick: (ops: Operation[]) => readonly Operation[] = (ops) => ops, base?: string): Promise<ParsedSpec> {
  const sd = await specDocument(doc, base);
  const spec = listOperations(sd);
  await loadDetails(sd, pick(spec.operations));
  return spec;
}

/** Reads a spec file, lists its operations and loads the details of those `pick` returns (default: all). */
export async function loadSpec(file: string, pick: (ops: Operation[]) => readonly Operation[] = (ops) => ops): Promise<ParsedSpec> {
  const sd = await readSpec(file);
  try {
    const spec = listOperations(sd);
    await loadDetails(sd, pick(spec.operations));
    return spec;
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}
