// `npm run new-service -- --name <n> --openapi <spec.yaml|json> [--base-url URL] [--tag T]
//   [--operations id1,id2] [--out DIR] [--force]`, or `--openapi <spec> --list`: writes a service module, a user class, a budget file
// and a scenario for an API described by an OpenAPI 3.0/3.1 document, in the kit's layout. The steps
// are modules under cli/openapi/: parse.ts (the spec), model.ts (what the kit needs), emit.ts (the files).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { emitFiles, filesOf, GENERATED_MARK, type GeneratedFile } from './openapi/emit.ts';
import { buildModel, chooseOperations, MissingDetails, operationKeys, type ServiceModel } from './openapi/model.ts';
import { listOperations, loadDetails, readSpec, type ParsedSpec } from './openapi/parse.ts';
import { bodyEncoding } from './openapi/rules.ts';

export const KIT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Past this many operations, a spec without --tag/--operations is listed instead of generated: hundreds of tasks help nobody. */
export const MAX_UNFILTERED = 30;

export const HELP = `npm run new-service -- --name <name> --openapi <spec.yaml|json> [options]
npm run new-service -- --openapi <spec.yaml|json> --list

Generates, from an OpenAPI 3.0/3.1 document:
  lib/services/<name>/service.ts  endpoints (method, path, expected statuses, body encoding, answer shape),
                                  probes, auth: the client the user class calls is derived from it
  lib/services/<name>/users.ts    a user class: one task per operation (weight 10 each), request values
  thresholds/<name>.ts            a budget per endpoint (WRITE, LOOKUP or LIST from thresholds/defaults.ts)
  scenarios/<name>.ts             the scenario; \`npm run build\` bundles it into dist/<name>.js
The payment and banking services under lib/services/ have the same shape.

Options:
  --name <name>           lower case, e.g. acme or my-pay; variables are <NAME>_URL, <NAME>_TOKEN or <NAME>_USER
  --openapi <file>        the spec (YAML or JSON)
  --base-url <url>        the default of <NAME>_URL (else the server the chosen operations share)
  --list                  print the operations by tag (key, method, path, body) and write nothing
  --tag <tag>             only operations with this tag
  --operations <a,b>      only these operations (operationId, or the key --list prints)
                          A spec of more than ${MAX_UNFILTERED} operations needs --tag or --operations.
  --out <dir>             write under this directory instead of the kit root
  --force                 overwrite files this generator wrote before
`;

export class UsageError extends Error {}

export interface NewServiceArgs {
  /** Print the operations, write nothing (then name is not needed). */
  list?: boolean;
  name: string;
  openapi: string;
  baseUrl?: string;
  tag?: string;
  operations?: string[];
  out: string;
  force: boolean;
}

export function parseNewServiceArgs(argv: string[]): NewServiceArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        name: { type: 'string' },
        openapi: { type: 'string' },
        'base-url': { type: 'string' },
        tag: { type: 'string' },
        operations: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return 'help';
  if (!values.openapi) throw new UsageError('--openapi is required');
  if (!values.name && !values.list) throw new UsageError('--name is required');
  const args: NewServiceArgs = { list: values.list === true, name: values.name ?? '', openapi: values.openapi, out: values.out ?? KIT_ROOT, force: values.force === true };
  if (values['base-url'] !== undefined) {
    if (!/^https?:\/\/[^/\s]+/.test(values['base-url'])) throw new UsageError(`--base-url must be an http(s) URL, got '${values['base-url']}'`);
    args.baseUrl = values['base-url'];
  }
  if (values.tag !== undefined) args.tag = values.tag;
  if (values.operations !== undefined) args.operations = values.operations.split(',').map((s) => s.trim()).filter(Boolean);
  return args;
}

const isGenerated = (file: string) => readFileSync(file, 'utf8').includes(GENERATED_MARK);

/** Why these files may not be written: a clash with the kit's own modules, or files that exist without --force. */
export function conflicts(name: string, outDir: string, files: GeneratedFile[], force: boolean, kitRoot = KIT_ROOT): string[] {
  const problems: string[] = [];
  // The kit's own scenarios and modules are never replaced, whatever the flags: their tests depend on them.
  for (const own of Object.values(filesOf(name))) {
    const file = join(kitRoot, own);
    if (existsSync(file) && !isGenerated(file)) problems.push(`'${name}' is taken by the kit's own ${own}: choose another --name`);
  }
  if (problems.length > 0) return problems;
  for (const f of files) {
    const file = join(outDir, f.path);
    if (!existsSync(file)) continue;
    if (!force) problems.push(`${relative(process.cwd(), file) || file} exists: pass --force to overwrite it`);
    else if (!isGenerated(file)) problems.push(`${relative(process.cwd(), file) || file} was not written by this generator: not overwriting it`);
  }
  return problems;
}

function summary(m: ServiceModel, outDir: string, files: GeneratedFile[]): string {
  const rel = (p: string) => relative(process.cwd(), join(outDir, p)) || p;
  const cred = m.auth.kind === 'basic' ? `${m.auth.userVar}=...` : m.auth.kind === 'none' ? '' : `${m.auth.tokenVar}=...`;
  const lines = [
    `${m.name}: ${m.endpoints.length} endpoint(s), ${m.tasks.length} task(s), auth ${m.auth.kind}`,
    ...m.endpoints.map((e) => `  ${e.key.padEnd(28)} ${e.method} ${e.path} -> ${e.expected.join('|')}${e.body ? ` (${e.body})` : ''}  ${e.budget}`),
    `  probes: health ${m.health ? `${m.health.endpoint.method} ${m.health.endpoint.path}` : 'none'}, auth ${m.authProbe ? `${m.authProbe.endpoint.method} ${m.authProbe.endpoint.path}` : 'none'}`,
    'wrote:',
    ...files.map((f) => `  ${rel(f.path)}`),
    ...(m.notes.length > 0 ? ['check:', ...m.notes.map((n) => `  ${n}`)] : []),
    'next:',
    outDir === KIT_ROOT
      ? `  npm run build && ${m.urlVar}=${m.defaultUrl ?? '<url>'} ${cred} npm run k6 -- run dist/${m.name}.js`
      : `  node build.mjs --entry ${rel(filesOf(m.name).scenario)} --outdir ${relative(process.cwd(), join(outDir, 'dist')) || 'dist'} && ${m.urlVar}=${m.defaultUrl ?? '<url>'} ${cred} npm run k6 -- run ${relative(process.cwd(), join(outDir, 'dist', `${m.name}.js`))}`,
  ];
  return lines.join('\n');
}

/** The operations grouped by tag, one line each: key (what --operations takes), method, path, body encoding. */
export function listing(spec: ParsedSpec): string {
  const keys = operationKeys(spec.operations);
  const byTag = new Map<string, string[]>();
  for (const op of spec.operations) {
    const enc = op.bodyType === undefined ? bodyEncoding(op) ?? '' : /x-www-form-urlencoded/i.test(op.bodyType) ? 'form' : /json/i.test(op.bodyType) ? 'json' : op.bodyType;
    const line = `  ${(keys.get(op) as string).padEnd(40)} ${op.method.toUpperCase().padEnd(6)} ${op.path}${enc ? `  (${enc})` : ''}${op.retry.length > 0 ? `  retry ${op.retry.join('|')}` : ''}`;
    for (const tag of op.tags.length > 0 ? op.tags : ['(no tag)']) byTag.set(tag, [...(byTag.get(tag) ?? []), line]);
  }
  const lines = [`${spec.title}${spec.version ? ` ${spec.version}` : ''}: ${spec.operations.length} operation(s), ${byTag.size} tag(s)`];
  for (const [tag, ops] of byTag) lines.push(`${tag} (${ops.length})`, ...ops);
  return lines.join('\n');
}

/** Generates and writes the files (or lists the operations); returns what to print. Throws UsageError for anything the user must fix. */
export async function newService(args: NewServiceArgs): Promise<string> {
  const outDir = resolve(args.out);
  let sd;
  let spec: ParsedSpec;
  try {
    sd = await readSpec(args.openapi);
    spec = listOperations(sd);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (args.list === true) return listing(spec);
  if (args.tag === undefined && args.operations === undefined && spec.operations.length > MAX_UNFILTERED) {
    throw new UsageError(`${listing(spec)}\n\n${args.openapi} has ${spec.operations.length} operations: choose some with --tag <tag> or --operations <key,key> (keys above)`);
  }
  let model: ServiceModel;
  try {
    const opts: Parameters<typeof buildModel>[1] = { name: args.name };
    if (args.tag !== undefined) opts.tag = args.tag;
    if (args.operations !== undefined) opts.operations = args.operations;
    if (args.baseUrl !== undefined) opts.baseUrl = args.baseUrl;
    // Schemas are read only for the chosen operations, then for the creates the model finds they call.
    await loadDetails(sd, chooseOperations(spec, opts));
    for (;;) {
      try {
        model = buildModel(spec, opts);
        break;
      } catch (e) {
        if (!(e instanceof MissingDetails)) throw e;
        await loadDetails(sd, e.operations);
      }
    }
  } catch (e) {
    throw new UsageError(`${args.openapi}: ${(e as Error).message}`);
  }
  const command = ['npm run new-service --', `--name ${args.name}`, `--openapi ${relative(KIT_ROOT, resolve(args.openapi))}`];
  if (args.baseUrl) command.push(`--base-url ${args.baseUrl}`);
  if (args.tag) command.push(`--tag ${args.tag}`);
  if (args.operations) command.push(`--operations ${args.operations.join(',')}`);
  const files = emitFiles(model, { kitRoot: KIT_ROOT, outDir, source: relative(KIT_ROOT, resolve(args.openapi)), command: command.join(' ') });
  const problems = conflicts(args.name, outDir, files, args.force);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  for (const f of files) {
    const file = join(outDir, f.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, f.text);
  }
  return summary(model, outDir, files);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const args = parseNewServiceArgs(process.argv.slice(2));
    if (args === 'help') console.log(HELP);
    else console.log(await newService(args));
  } catch (e) {
    console.error(`new-service: ${(e as Error).message}`);
    if (e instanceof UsageError && /required/.test(e.message)) console.error(`\n${HELP}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  }
}
