// End to end on a spec we did not write, in a slice that fits in npm test: operations generated from
// GitHub's REST description (@octokit/openapi, fetched into the cache by npm pack), built, and run with
// the real k6 against Prism mocking the same description with request validation. Prism mocks only the
// paths the scenario calls (every component kept), so it starts in seconds; bench/openapi.ts runs the
// whole description at the smoke profile.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { build, generateAndBuild, MOCK_LATENCY, modelOf, runScenario, sliceSpec } from '../../bench/openapi/e2e.ts';
import { startPrism } from '../../bench/openapi/prism.ts';
import { PUBLIC_OPERATIONS, publicSpec } from '../../bench/openapi/public-spec.ts';
import { FAST } from '../helpers/k6.ts';

const OUT = join('.tmp', `openapi-public-${process.pid}`);
after(() => rmSync(OUT, { recursive: true, force: true }));

test('GitHub REST operations, generated unedited, run against a validating mock of that spec: exit 0, no request violation; a broken request is seen', async () => {
  const spec = publicSpec();
  const operations = PUBLIC_OPERATIONS.slice(0, 5);
  const model = await modelOf(spec, 'gh', operations);
  const paths = [...model.endpoints.map((e) => e.path), ...[model.health, model.authProbe].flatMap((p) => (p ? [p.endpoint.path] : []))];
  mkdirSync(OUT, { recursive: true });
  const slice = join(OUT, 'slice.json');
  sliceSpec(spec, paths, slice);
  const dir = await generateAndBuild({ spec, name: 'gh', operations, dir: join(OUT, 'gh') });
  const prism = await startPrism(slice);
  try {
    const r = await runScenario(dir, 'gh', prism.url, { ...FAST, ...MOCK_LATENCY, VUS: '3', DURATION: '10s' });
    const tail = `${r.out.slice(-3000)}\n--- prism ---\n${prism.log().slice(-2000)}`;
    assert.equal(r.code, 0, tail);
    assert.deepEqual(prism.violations(), [], 'the mock saw no request that breaks the spec');
    assert.equal(r.report?.verdict, 'pass');
    assert.equal(r.report?.checks.fails, 0, tail);
    // Every endpoint of the table (the chosen operations and the creates they need) was sent, and none failed.
    assert.equal(r.report?.endpoints?.length, model.endpoints.length);
    for (const e of r.report?.endpoints ?? []) assert.ok(e.requests > 0 && e.failed === 0, `${e.name}: ${e.requests} requests, ${e.failed} failed`);

    // The other side: a repository whose name breaks the spec (a number) is refused by the mock as a
    // request violation, and the run fails on that endpoint. Most tasks create a repository first.
    const users = join(dir, 'lib/services/gh/users.ts');
    const text = readFileSync(users, 'utf8');
    assert.match(text, /name: 'Hello-World',/);
    writeFileSync(users, text.replace("name: 'Hello-World',", 'name: 1.5,'));
    build(dir, 'gh');
    const broken = await runScenario(dir, 'gh', prism.url, { ...FAST, ...MOCK_LATENCY, VUS: '2', DURATION: '4s', OPTIONAL_ENDPOINTS: '*' });
    assert.equal(broken.code, 99, broken.out.slice(-2000));
    assert.ok(prism.violations().some((v) => /request\.body\.name/.test(v)), prism.violations().join('\n'));
    assert.ok(broken.report?.failedThresholds.some((t) => t.includes('POST /user/repos')), JSON.stringify(broken.report?.failedThresholds));
  } finally {
    await prism.stop();
  }
});
