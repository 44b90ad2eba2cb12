// README's "Where things are" table points at the tree as it is: every file or folder it names exists, and a
// template such as `lib/services/<service>/users.ts` names at least one.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');

/** The table's rows, as the text of their "look in" column. */
function whereRows(readme: string): string[] {
  const start = readme.indexOf('## Where things are');
  assert.ok(start >= 0, 'README has a "Where things are" section');
  const end = readme.indexOf('\n## ', start + 1);
  const rows = readme.slice(start, end < 0 ? undefined : end).split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| you want'));
  return rows.map((r) => r.split(' | ').slice(1).join(' | '));
}

/** The paths a cell names: backticked or bare, a file with an extension or a folder ending in `/`. */
export function namedPaths(cell: string): string[] {
  const tokens = cell.match(/[\w.<>/-]+/g) ?? [];
  return tokens.filter((t) => /\/$/.test(t) || /^[\w.<>/-]+\.(ts|mjs|js|md|json|yaml|yml|py)$/.test(t));
}

/** Whether a path exists; `<x>` stands for any one name. */
function exists(path: string): boolean {
  const parts = path.replace(/\/$/, '').split('/');
  const walk = (dir: string, i: number): boolean => {
    if (i === parts.length) return true;
    const part = parts[i] as string;
    if (!/<[^>]+>/.test(part)) return existsSync(join(dir, part)) && (i === parts.length - 1 || statSync(join(dir, part)).isDirectory()) && walk(join(dir, part), i + 1);
    const re = new RegExp(`^${part.replace(/[.]/g, '\\.').replace(/<[^>]+>/g, '[^/]+')}$`);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
    return readdirSync(dir).some((name) => re.test(name) && walk(join(dir, name), i + 1));
  };
  return walk(ROOT, 0);
}

test('every path the "Where things are" table names exists', () => {
  const rows = whereRows(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  assert.ok(rows.length >= 10, `${rows.length} rows`);
  const paths = rows.flatMap(namedPaths);
  assert.ok(paths.length >= 20, paths.join(', '));
  const missing = paths.filter((p) => !exists(p));
  assert.deepEqual(missing, [], `README's "Where things are" names paths that are not in the tree: ${missing.join(', ')}`);
});

test('the check finds a path that is not there, and reads templates', () => {
  assert.deepEqual(namedPaths('`lib/clients/<service>.ts`, `lib/k6/http.ts`; docs/reports.md, `npm run x`'), ['lib/clients/<service>.ts', 'lib/k6/http.ts', 'docs/reports.md']);
  assert.equal(exists('lib/clients/<service>.ts'), false);
  assert.equal(exists('lib/services/<service>/users.ts'), true);
  assert.equal(exists('lib/services/<service>/nothing.ts'), false);
});
