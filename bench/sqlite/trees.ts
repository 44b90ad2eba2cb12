// The two checkouts bench/sqlite compares: this working tree, and an older revision exported with
// `git archive` into bench/.out/sqlite/ and installed there once (npm ci --ignore-scripts), each named by
// the SQLite driver its package.json holds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const OUT = join(ROOT, 'bench/.out/sqlite');

export interface Contender { label: string; driver: string; root: string; revision: string }

export function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
  return r.stdout.trim();
}

function driverOf(root: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const bs3 = pkg.dependencies?.['better-sqlite3'];
  return bs3 ? `better-sqlite3 ${bs3}` : `node:sqlite`;
}

/** The baseline revision exported and installed beside this tree (once; reused while its node_modules is there). */
export function baselineTree(rev: string): Contender {
  const sha = sh('git', ['rev-parse', '--verify', `${rev}^{commit}`], ROOT);
  const dir = join(OUT, `tree-${sha.slice(0, 12)}`);
  if (!existsSync(join(dir, 'node_modules'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    console.log(`sqlite: exporting ${sha.slice(0, 12)} into ${dir} and installing it (npm ci --ignore-scripts), first use only`);
    const archive = spawnSync('git', ['archive', '--format=tar', sha], { cwd: ROOT, maxBuffer: 1 << 30 });
    if (archive.status !== 0) throw new Error(`git archive ${sha} failed`);
    const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
    if (untar.status !== 0) throw new Error(`tar -x into ${dir} failed`);
    sh('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  }
  return { label: 'baseline', driver: driverOf(dir), root: dir, revision: sha.slice(0, 12) };
}

export function workingTree(): Contender {
  const head = sh('git', ['rev-parse', '--short=12', 'HEAD'], ROOT);
  const dirty = sh('git', ['status', '--porcelain', '--', 'sandbox', 'package.json'], ROOT) !== '';
  return { label: 'working tree', driver: driverOf(ROOT), root: ROOT, revision: `${head}${dirty ? '+changes' : ''}` };
}
