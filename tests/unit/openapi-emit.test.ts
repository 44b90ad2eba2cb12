// cli/openapi/emit.ts and cli/new-service.ts: the four files the generator writes, their imports wherever
// they are written, and the rules on overwriting.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { transform } from 'esbuild';
import { KIT_ROOT, MAX_UNFILTERED, newService, parseNewServiceArgs, UsageError } from '../../cli/new-service.ts';
import { emitFiles, expr, GENERATED_MARK } from '../../cli/openapi/emit.ts';
import { buildModel } from '../../cli/openapi/model.ts';
import { loadSpec } from '../../cli/openapi/parse.ts';

const ACME_SPEC = 'tests/fixtures/openapi/acme-pay.yaml';
const acmeSpec = await loadSpec(ACME_SPEC);
const acmeModel = () => buildModel(acmeSpec, { name: 'acme' });
const emit = (outDir: string) =>
  Object.fromEntries(emitFiles(acmeModel(), { kitRoot: KIT_ROOT, outDir, source: ACME_SPEC, command: 'npm run new-service -- --name acme' }).map((f) => [f.path, f.text]));

test('the four files, in the kit layout, with imports relative to the kit root', () => {
  const files = emit(KIT_ROOT);
  assert.deepEqual(Object.keys(files), ['lib/services/acme/service.ts', 'lib/services/acme/users.ts', 'thresholds/acme.ts', 'scenarios/acme.ts']);
  const service = files['lib/services/acme/service.ts']!;
  assert.match(service, /import type \{ Endpoint \} from '\.\.\/\.\.\/endpoints\.ts';/);
  assert.match(service, /createPaymentIntent: \{ method: 'POST', path: '\/v1\/payment_intents', expected: \[200\], body: 'form', shape: hasId \},/);
  assert.match(service, /confirmPaymentIntent: \{ method: 'POST', path: '\/v1\/payment_intents\/\{intent\}\/confirm', expected: \[200\], body: 'none', shape: hasId \},/);
  assert.match(service, /auth: \{ kind: 'basic', userVar: 'ACME_USER', passwordVar: 'ACME_PASSWORD' \},/);
  assert.match(service, /health: ACME_API\.listPaymentIntents,/);
  assert.match(service, /auth: \{ endpoint: ACME_API\.retrievePaymentIntent, params: \{ intent: '[a-z_]+' \}, accepted: \[404\] \},/);
  assert.ok(service.includes(GENERATED_MARK));

  const users = files['lib/services/acme/users.ts']!;
  assert.match(users, /from '\.\.\/user-class\.ts';/);
  assert.match(users, /import \{ ACME_SERVICE \} from '\.\/service\.ts';/);
  // The refund acts on an intent made for it, sent in the field the spec names.
  assert.match(users, /export function createRefund\(ctx: AcmeContext, s: AcmeState\): string \| null \{\n  const paymentIntentId = createPaymentIntent\(ctx, s\);\n  if \(paymentIntentId === null\) return null;\n  const body = ctx\.client\.call\('createRefund', \{ body: \{ payment_intent: paymentIntentId \} \}\);/);
  assert.match(users, /const paymentIntentId = reuse\(ctx, s, s\.paymentIntents, createPaymentIntent\);/);
  for (const task of ['create_payment_intent', 'list_payment_intents', 'retrieve_payment_intent', 'confirm_payment_intent', 'create_refund', 'retrieve_balance']) {
    assert.match(users, new RegExp(`\\{ name: '${task}', weight: 10, run: \\(s\\) => `));
  }

  const thresholds = files['thresholds/acme.ts']!;
  assert.match(thresholds, /import \{ DEFAULT_BUDGET, LIST, LOOKUP, PAST_PEAK, WRITE \} from '\.\/defaults\.ts';/);
  for (const [key, budget] of [['createPaymentIntent', 'WRITE'], ['listPaymentIntents', 'LIST'], ['retrievePaymentIntent', 'LOOKUP'], ['confirmPaymentIntent', 'WRITE'], ['createRefund', 'WRITE'], ['retrieveBalance', 'LIST']]) {
    assert.match(thresholds, new RegExp(`\\n  ${key}: ${budget},`));
  }
  const scenario = files['scenarios/acme.ts']!;
  assert.match(scenario, /import \{ defineScenario \} from '\.\.\/lib\/k6\/scenario\.ts';/);
  assert.match(scenario, /targets: \[ACME_SERVICE\],/);
  assert.match(scenario, /export const acmeUsers = test\.runners\.acmeUsers;/);
});

test('written elsewhere, the kit is imported from the kit root and the files import each other locally', () => {
  const files = emit(join(KIT_ROOT, '.tmp', 'x'));
  assert.match(files['lib/services/acme/service.ts']!, /from '\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/lib\/endpoints\.ts';/);
  assert.match(files['thresholds/acme.ts']!, /from '\.\.\/\.\.\/\.\.\/thresholds\/defaults\.ts';/);
  assert.match(files['thresholds/acme.ts']!, /from '\.\.\/lib\/services\/acme\/service\.ts';/);
  assert.match(files['scenarios/acme.ts']!, /from '\.\.\/\.\.\/\.\.\/lib\/k6\/scenario\.ts';/);
  assert.match(files['scenarios/acme.ts']!, /from '\.\.\/lib\/services\/acme\/users\.ts';/);
});

test('every generated file is valid TypeScript, for the fixture and for the sandbox spec', async () => {
  const sandbox = buildModel(await loadSpec('sandbox/openapi.yaml'), { name: 'sbx', tag: 'payment' });
  const all = [
    ...Object.values(emit(KIT_ROOT)),
    ...emitFiles(sandbox, { kitRoot: KIT_ROOT, outDir: KIT_ROOT, source: 'sandbox/openapi.yaml', command: 'x' }).map((f) => f.text),
  ];
  for (const text of all) await transform(text, { loader: 'ts' });
  const users = emitFiles(sandbox, { kitRoot: KIT_ROOT, outDir: KIT_ROOT, source: 's', command: 'x' })[1]!.text;
  assert.match(users, /headers: \{ 'Idempotency-Key': `\$\{s\.runId\}-\$\{seededUuid\(s\.rng\)\}` \},/);
  assert.match(users, /cvv: '123'/, 'the example added to the sandbox spec is used');
  const service = emitFiles(sandbox, { kitRoot: KIT_ROOT, outDir: KIT_ROOT, source: 's', command: 'x' })[0]!.text;
  assert.match(service, /generateData: \{ method: 'POST', path: '\/api\/v1\/data\/generate', expected: \[200\], retry: \[409, 429\] \}/);
});

test('values as code: quotes escaped, keys quoted when they must be, long objects on several lines', () => {
  assert.equal(expr({ kind: 'literal', value: "it's" }), "'it\\'s'");
  assert.equal(expr({ kind: 'object', props: [['a-b', { kind: 'literal', value: 1 }], ['ok', { kind: 'id', resource: 'payment_intent' }]] }), "{ 'a-b': 1, ok: paymentIntentId }");
  const long = expr({ kind: 'object', props: Array.from({ length: 8 }, (_, i) => [`field_number_${i}`, { kind: 'literal', value: 'some text' }] as [string, { kind: 'literal'; value: string }]) });
  assert.match(long, /^\{\n      field_number_0: 'some text',\n/);
});

test('new-service refuses to overwrite without --force, hand-written files even with it, and the kit\'s own names', async () => {
  const out = mkdtempSync(join(tmpdir(), 'paykit-new-service-'));
  try {
    const args = { name: 'acme', openapi: ACME_SPEC, out, force: false };
    const printed = await newService(args);
    assert.match(printed, /acme: 6 endpoint\(s\), 6 task\(s\), auth basic/);
    for (const f of ['lib/services/acme/service.ts', 'lib/services/acme/users.ts', 'thresholds/acme.ts', 'scenarios/acme.ts']) assert.ok(existsSync(join(out, f)), f);
    await assert.rejects(newService(args), /scenarios\/acme\.ts exists: pass --force to overwrite it/);
    writeFileSync(join(out, 'thresholds/acme.ts'), '// my own budgets\n');
    await assert.rejects(newService({ ...args, force: true }), /thresholds\/acme\.ts was not written by this generator/);
    rmSync(join(out, 'thresholds/acme.ts'));
    await newService({ ...args, force: true });
    assert.ok(readFileSync(join(out, 'thresholds/acme.ts'), 'utf8').includes(GENERATED_MARK));
    mkdirSync(join(out, 'p'));
    await assert.rejects(newService({ ...args, name: 'payment', out: join(out, 'p'), force: true }), /'payment' is taken by the kit's own scenarios\/payment\.ts/);
    await assert.rejects(newService({ ...args, name: 'failures', out: join(out, 'p') }), /taken by the kit's own/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('command-line flags', () => {
  assert.deepEqual(parseNewServiceArgs(['--name', 'acme', '--openapi', 'a.yaml', '--tag', 'pay', '--operations', 'a, b', '--base-url', 'http://x:1', '--force']), {
    list: false,
    name: 'acme',
    openapi: 'a.yaml',
    out: KIT_ROOT,
    force: true,
    tag: 'pay',
    operations: ['a', 'b'],
    baseUrl: 'http://x:1',
  });
  assert.equal(parseNewServiceArgs(['--help']), 'help');
  assert.throws(() => parseNewServiceArgs(['--openapi', 'a.yaml']), /--name is required/);
  assert.equal((parseNewServiceArgs(['--openapi', 'a.yaml', '--list']) as { list: boolean }).list, true, '--list needs no --name');
  assert.throws(() => parseNewServiceArgs(['--name', 'a', '--openapi', 'a.yaml', '--base-url', 'ftp://x']), /--base-url must be an http\(s\) URL/);
  assert.throws(() => parseNewServiceArgs(['--name', 'a', '--openapi', 'a.yaml', '--bogus']), /bogus/);
});

test('--list prints the operations by tag; a big spec without a filter is listed and refused (exit 2), with a filter generated', async () => {
  const listed = await newService({ list: true, name: '', openapi: 'sandbox/openapi.yaml', out: KIT_ROOT, force: false });
  assert.match(listed, /^payment \(5\)$/m);
  assert.match(listed, /^  generateData +POST +\/api\/v1\/data\/generate  \(json\)  retry 409\|429$/m);
  assert.match(listed, /^banking \(\d+\)$/m);
  const out = mkdtempSync(join(tmpdir(), 'paykit-big-spec-'));
  try {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < MAX_UNFILTERED + 1; i++) paths[`/things${i}`] = { get: { operationId: `list${i}`, tags: [i % 2 ? 'odd' : 'even'], responses: { '200': { description: 'ok' } } } };
    const spec = join(out, 'big.json');
    writeFileSync(spec, JSON.stringify({ openapi: '3.1.0', info: { title: 'big', version: '1' }, servers: [{ url: 'http://127.0.0.1:1' }], paths }));
    const args = { name: 'big', openapi: spec, out, force: false };
    await assert.rejects(newService(args), (e: Error) => e instanceof UsageError && /has 31 operations: choose some with --tag/.test(e.message) && /^odd \(15\)$/m.test(e.message));
    assert.equal(existsSync(join(out, 'scenarios/big.ts')), false);
    assert.match(await newService({ ...args, tag: 'odd' }), /big: 15 endpoint\(s\)/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
