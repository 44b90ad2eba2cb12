// A large public OpenAPI description we did not write: GitHub's REST API as the registry package
// @octokit/openapi ships it (api.github.com.json: 13 MB, ~1,200 operations, ~1,000 schemas). The package
// is ~400 MB unpacked (every GitHub edition, dereferenced copies too), so it is not a dependency: its
// tarball is fetched once with `npm pack` into the per-user cache and only the one file is kept.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Pinned like a dependency: the bench's figures name this version. */
export const PUBLIC_SPEC_PACKAGE = '@octokit/openapi@23.0.2';
const FILE = 'package/generated/api.github.com.json';

export function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'paykit-k6', 'openapi', PUBLIC_SPEC_PACKAGE.replace(/[@/]/g, '_'));
}

/** The spec's path, fetching it on first use (npm registry); throws with npm's reason when it cannot. */
export function publicSpec(): string {
  const dir = cacheDir();
  const spec = join(dir, FILE);
  if (existsSync(spec)) return spec;
  mkdirSync(dir, { recursive: true });
  const tgz = execFileSync('npm', ['pack', PUBLIC_SPEC_PACKAGE, '--pack-destination', dir, '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop() as string;
  execFileSync('tar', ['xzf', join(dir, tgz), '-C', dir, FILE]);
  rmSync(join(dir, tgz));
  return spec;
}

/** The operations the bench and the end-to-end test generate from it (operationIds as GitHub writes them). */
export const PUBLIC_OPERATIONS = [
  'users/get-authenticated',
  'repos/list-for-authenticated-user',
  'repos/get',
  'issues/list-for-repo',
  'issues/create',
  'issues/get',
  'pulls/list',
];
