// End to end on a spec we did not write: generate operations from GitHub's REST description, build the
// scenario, and run it with the real k6 against Prism mocking that description with request validation.
// The bench runs it at full size (the whole spec, the smoke profile); tests/integration runs a slice.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureK6 } from '../../cli/k6.ts';
import { newService } from '../../cli/new-service.ts';
import { buildModel, chooseOperations, MissingDetails, type ServiceModel } from '../../cli/openapi/model.ts';
import { listOperations, loadDetails, readSpec } from '../../cli/openapi/parse.ts';
import type { Report } from '../../lib/verdict/report-data.ts';
import { startPrism } from './prism.ts';

const KIT = resolve(import.meta.dirname, '..', '..');

/** The model the generator makes for these operations (to know which paths the scenario calls). */
export async function modelOf(spec: string, name: string, operations: string[]): Promise<ServiceModel> {
  const sd = await readSpec(spec);
  const parsed = listOperations(sd);
  const opts = { name, operations };
  await loadDetails(sd, chooseOperations(parsed, opts));
  for (;;) {
    try {
      return buildModel(parsed, opts);
    } catch (e) {
      if (!(e instanceof MissingDetails)) throw e;
      await loadDetails(sd, e.operations);
    }
  }
}

/**
 * The spec with only `paths` kept, and the components they reach: Prism reads and dereferences every
 * component at start, so a slice starts in seconds where the whole description takes half a minute.
 */
export function sliceSpec(spec: string, paths: readonly string[], out: string): void {
  type Node = Record<string, unknown>;
  const doc = JSON.parse(readFileSync(spec, 'utf8')) as { paths: Node; components?: Record<string, Node>; webhooks?: unknown };
  doc.paths = Object.fromEntries(Object.entries(doc.paths).filter(([p]) => paths.includes(p)));
  // Webhooks and extensions refer to components too: only what requests need stays.
  for (const k of Object.keys(doc)) if (!['openapi', 'info', 'servers', 'security', 'tags', 'paths', 'components'].includes(k)) delete (doc as Record<string, unknown>)[k];
  const kept = new Map<string, Set<string>>();
  const todo: unknown[] = [doc.paths];
  while (todo.length > 0) {
    const node = todo.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      todo.push(...node);
      continue;
    }
    const ref = (node as Node).$ref;
    const m = typeof ref === 'string' ? /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref) : null;
    if (m) {
      const [, kind, name] = m as unknown as [string, string, string];
      const names = kept.get(kind) ?? new Set<string>();
      kept.set(kind, names);
      if (!names.has(name)) {
        names.add(name);
        todo.push(doc.components?.[kind]?.[name]);
      }
    }
    todo.push(...Object.values(node));
  }
  if (doc.components) {
    for (const kind of Object.keys(doc.components)) {
      if (kind === 'securitySchemes') continue;
      const names = kept.get(kind) ?? new Set();
      doc.components[kind] = Object.fromEntries(Object.entries(doc.components[kind] ?? {}).filter(([n]) => names.has(n)));
    }
  }
  writeFileSync(out, JSON.stringify(doc));
}

/**
 * The mock's own latency is not what these runs judge (Prism answers in tens to hundreds of ms, more on
 * a busy host): its latency budgets are relaxed; statuses, checks and every error budget still hold.
 */
export const MOCK_LATENCY = { P95_MS: '5000', P99_MS: '10000' };

export interface E2eResult {
  code: number | null;
  report: Report | null;
  violations: string[];
  /** What k6 and Prism printed last, for a failure's message. */
  tail: string;
  prismStartMs: number;
}

/** Generates `operations` from `spec` as service `name` under `dir` (emptied first) and builds its scenario. */
export async function generateAndBuild(o: { spec: string; name: string; operations: string[]; dir: string }): Promise<string> {
  const dir = resolve(o.dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await newService({ name: o.name, openapi: o.spec, operations: o.operations, out: dir, force: false });
  build(dir, o.name);
  return dir;
}

export function build(dir: string, name: string): void {
  execFileSync(process.execPath, [join(KIT, 'build.mjs'), '--entry', join(dir, 'scenarios', `${name}.ts`), '--outdir', join(dir, 'dist')], { cwd: KIT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the built scenario with the real k6 against `url`; never throws on a non-zero exit. */
export async function runScenario(dir: string, name: string, url: string, env: Record<string, string>): Promise<{ code: number | null; report: Report | null; out: string }> {
  const k6 = (await ensureK6()).path;
  const reportDir = join(dir, 'report');
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const urlVar = `${name.toUpperCase().replace(/-/g, '_')}_URL`;
  const child = spawn(k6, ['run', '--quiet', join(dir, 'dist', `${name}.js`)], {
    cwd: dir,
    env: { ...process.env, ...env, [urlVar]: url, K6_NO_USAGE_REPORT: 'true', REPORT_DIR: reportDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  let report: Report | null = null;
  try {
    report = JSON.parse(readFileSync(join(reportDir, 'summary.json'), 'utf8')) as Report;
  } catch {
    report = null;
  }
  return { code, report, out };
}

/**
 * Generates `operations` from `spec` as service `name` under `dir`, builds it, and runs it against Prism
 * mocking `mockSpec` (the spec itself, or a slice of it) with `env` (profile, VUs, duration...).
 */
export async function runAgainstPrism(o: { spec: string; mockSpec: string; name: string; operations: string[]; dir: string; env: Record<string, string> }): Promise<E2eResult> {
  const dir = await generateAndBuild(o);
  const started = Date.now();
  const prism = await startPrism(o.mockSpec);
  const prismStartMs = Date.now() - started;
  try {
    const r = await runScenario(dir, o.name, prism.url, o.env);
    return { code: r.code, report: r.report, violations: prism.violations(), tail: `${r.out.slice(-3000)}\n--- prism ---\n${prism.log().slice(-3000)}`, prismStartMs };
  } finally {
    await prism.stop();
  }
}
