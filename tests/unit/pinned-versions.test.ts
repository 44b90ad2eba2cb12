// The kit's Node and k6 are each written once in package.json (the `node` devDependency, which npm scripts
// run from node_modules/.bin, and "k6.version"). Files that cannot read package.json (container images,
// the GitHub workflow) must say the same version.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const ROOT = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { devDependencies: Record<string, string>; k6: { version: string } };
const pinned = pkg.devDependencies['node'];

test('npm scripts run the Node pinned in package.json, an LTS line', () => {
  assert.ok(pinned !== undefined && /^\d+\.\d+\.\d+$/.test(pinned), `devDependencies.node is an exact version: ${pinned}`);
  assert.equal(process.version, `v${pinned}`, 'run through npm (npm test), which puts node_modules/.bin first on PATH');
  assert.equal(Number(pinned.split('.')[0]) % 2, 0, 'even major lines are the LTS ones');
});

test('container images that run the kit name the same Node', () => {
  for (const file of ['docker-compose.yml', 'deploy/k6-operator/verdict-job.yaml']) {
    const tags = [...readFileSync(new URL(file, ROOT), 'utf8').matchAll(/image:\s*node:(\S+)/g)].map((m) => m[1]);
    assert.ok(tags.length > 0, `${file} names a Node image`);
    for (const tag of tags) assert.equal(tag, `${pinned}-bookworm`, `${file}: node:${tag}`);
  }
  const workflow = readFileSync(new URL('.github/workflows/load-test.yml', ROOT), 'utf8');
  assert.doesNotMatch(workflow, /node-version:/, 'the workflow takes the pinned Node from npm ci, not a version of its own');
});

test('k6 images and the workflow name the k6 pinned in package.json', () => {
  const pinnedK6 = pkg.k6.version.replace(/^v/, '');
  for (const file of ['docker-compose.yml', 'deploy/k6-operator/testrun.yaml', 'deploy/k6-operator/verdict-job.yaml']) {
    const tags = [...readFileSync(new URL(file, ROOT), 'utf8').matchAll(/image:\s*(?:&\S+\s+)?grafana\/k6:(\S+)/g)].map((m) => m[1]);
    assert.ok(tags.length > 0, `${file} names a k6 image`);
    for (const tag of tags) assert.equal(tag, pinnedK6, `${file}: grafana/k6:${tag}`);
  }
  const workflow = readFileSync(new URL('.github/workflows/load-test.yml', ROOT), 'utf8');
  // the workflow types no version: it reads package.json's
  assert.deepEqual([...workflow.matchAll(/k6-version:\s*(.+)/g)].map((m) => m[1]?.trim()), ['${{ steps.pins.outputs.k6 }}']);
  assert.match(workflow, /k6=\$\(node -p "require\('\.\/package\.json'\)\.k6\.version"\)/);
});
