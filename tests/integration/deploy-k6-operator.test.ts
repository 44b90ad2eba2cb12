// deploy/k6-operator/: the TestRun has every field the operator's CRD requires (script, parallelism) with
// the types it declares, writes each pod's series to Prometheus under its own runner label, and the
// verdict Job judges exactly that test id, runner count and budget knobs. No cluster here: parsed only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseVerdictArgs } from '../../cli/verdict.ts';

type Env = Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
interface Container { name: string; image: string; command?: string[]; args?: string[]; env?: Env }

const docs = (file: string) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, any>);
const envOf = (env: Env | undefined) => new Map((env ?? []).map((e) => [e.name, e]));
const pinnedK6 = `grafana/k6:${(JSON.parse(readFileSync('package.json', 'utf8')) as { k6: { version: string } }).k6.version.replace(/^v/, '')}`;

test('k6-operator TestRun and verdict Job: CRD fields, paused runners with a per-pod label, one test id, the Job fails with the gate', () => {
  const [run] = docs('deploy/k6-operator/testrun.yaml');
  assert.equal(run!.apiVersion, 'k6.io/v1alpha1');
  assert.equal(run!.kind, 'TestRun');
  const spec = run!.spec;
  // Required by the CRD: script (one of configMap / volumeClaim / localFile, configMap.name required) and parallelism (int32).
  assert.ok(Number.isInteger(spec.parallelism) && spec.parallelism >= 1, 'spec.parallelism');
  assert.equal(typeof spec.script.configMap.name, 'string');
  assert.match(spec.script.configMap.file, /^[a-z-]+\.js$/);
  // `paused` and `quiet` are strings in the CRD ("true"), not booleans.
  assert.equal(spec.paused, 'true');
  assert.equal(spec.runner.image, pinnedK6);
  const args = String(spec.arguments).split(/\s+/);
  const tag = (name: string) => args[args.findIndex((a, i) => a === '--tag' && args[i + 1]!.startsWith(`${name}=`)) + 1]?.split('=')[1];
  assert.ok(args.includes('--no-thresholds'));
  assert.ok(args.includes('--summary-mode=disabled'), 'flat memory: no per-sample store in a runner pod');
  assert.equal(args[args.indexOf('-o') + 1], 'experimental-prometheus-rw');
  assert.equal(tag('runner'), '$(POD_NAME)', 'each pod its own runner label');
  const runnerEnv = envOf(spec.runner.env);
  assert.equal(runnerEnv.get('POD_NAME')?.valueFrom?.fieldRef?.fieldPath, 'metadata.name');
  assert.match(runnerEnv.get('K6_FEATURES')!.value!, /native-histograms/);
  const writeUrl = runnerEnv.get('K6_PROMETHEUS_RW_SERVER_URL')!.value!;
  assert.match(writeUrl, /^http:\/\/.+\/api\/v1\/write$/);

  const all = docs('deploy/k6-operator/verdict-job.yaml');
  const job = all.find((d) => d.kind === 'Job')!;
  assert.equal(job.apiVersion, 'batch/v1');
  assert.equal(job.spec.backoffLimit, 0, 'one attempt');
  const pod = job.spec.template.spec;
  assert.equal(pod.restartPolicy, 'Never');
  const init = pod.initContainers as Container[];
  const wait = init.find((c) => c.name === 'wait-for-testrun')!;
  assert.ok(wait.command!.includes(`testrun/${run!.metadata.name}`), 'waits for this TestRun');
  assert.ok(wait.command!.includes('--for=jsonpath={.status.stage}=finished'));
  assert.equal(init.find((c) => c.name === 'k6')!.image, pinnedK6);
  const role = all.find((d) => d.kind === 'Role')!;
  assert.deepEqual(role.rules[0].resources, ['testruns']);
  const verdict = (pod.containers as Container[])[0]!;
  const script = verdict.args!.join(' ');
  const argv = script.slice(script.indexOf('npm run verdict -- ') + 'npm run verdict -- '.length).trim().split(/\s+/);
  const parsed = parseVerdictArgs(argv, {});
  assert.equal(parsed.testId, tag('testid'));
  assert.equal(parsed.runners, spec.parallelism);
  assert.equal(`${parsed.scenario}.js`, spec.script.configMap.file);
  assert.equal(`${parsed.prometheus}/api/v1/write`, writeUrl);
  assert.equal(parsed.profile, runnerEnv.get('PROFILE')!.value);
  // The budgets come from k6 inspect with these knobs: the Job must see the runners' values.
  const jobEnv = envOf(verdict.env);
  for (const knob of ['RATE', 'DURATION']) assert.equal(jobEnv.get(knob)?.value, runnerEnv.get(knob)?.value, knob);
  assert.match(script, /exec npm run verdict/, 'the verdict\'s exit code is the container\'s');
  for (const c of [...init, verdict]) assert.match(c.image, /:v?\d+\.\d+(\.\d+)?(-[a-z]+)?$/, `${c.name} pins its image`);
});
