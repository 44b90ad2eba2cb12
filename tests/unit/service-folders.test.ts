// A service is a folder (lib/services/<name>/), and one `npm run new-service` writes has the shape of the
// sandbox's payment and banking folders: the same files, the same exports, a user class that reads the same.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { KIT_ROOT, newService } from '../../cli/new-service.ts';
import type { Service } from '../../lib/services/define.ts';

const ACME_SPEC = 'tests/fixtures/openapi/acme-pay.yaml';
const SANDBOX_SERVICES = ['payment', 'banking'];

/** What a service folder shows: its files, and the names its files export. */
interface Shape {
  files: string[];
  /** Per file: `const X`, `type X`… with the service's own name replaced by `<n>`. */
  exports: Record<string, string[]>;
}

function shapeOf(dir: string, name: string): Shape {
  const files = readdirSync(dir).sort();
  const exports: Record<string, string[]> = {};
  const own = new RegExp(`${name}|${name.toUpperCase()}|${name.charAt(0).toUpperCase()}${name.slice(1)}`, 'g');
  for (const f of ['service.ts', 'users.ts']) {
    const text = readFileSync(join(dir, f), 'utf8');
    const found = [...text.matchAll(/^export (?:const|function|type|interface|class) (\w+)/gm)].map((m) => m[1]!.replace(own, '<n>'));
    exports[f] = found.filter((e) => e.includes('<n>')).sort();
  }
  return { files, exports };
}

async function generated<T>(use: (dir: string) => Promise<T>): Promise<T> {
  // Under the kit root, so the generated files' imports of the kit resolve when the test imports them.
  mkdirSync(join(KIT_ROOT, '.tmp'), { recursive: true });
  const out = mkdtempSync(join(KIT_ROOT, '.tmp', 'shape-'));
  try {
    await newService({ name: 'acme', openapi: ACME_SPEC, out, force: false });
    return await use(out);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

test('a generated service folder has the files and exports of the payment and banking folders', async () => {
  await generated(async (out) => {
    const acme = shapeOf(join(out, 'lib/services/acme'), 'acme');
    assert.deepEqual(acme.files, ['service.ts', 'users.ts']);
    // The table, the service definition, the user class, its context and its per-VU state.
    assert.deepEqual(acme.exports, {
      'service.ts': ['<n>_API', '<n>_SERVICE'],
      'users.ts': ['<n>Context', '<n>State', '<n>User'],
    });
    for (const name of SANDBOX_SERVICES) {
      const own = shapeOf(join(KIT_ROOT, 'lib/services', name), name);
      // A hand-written folder may hold more (whatever is special to the service), never less.
      for (const f of acme.files) assert.ok(own.files.includes(f), `lib/services/${name}/ has no ${f}`);
      for (const [f, names] of Object.entries(acme.exports)) {
        for (const e of names) assert.ok(own.exports[f]!.includes(e), `lib/services/${name}/${f} does not export ${e.replace('<n>', name)}: ${own.exports[f]!.join(', ')}`);
      }
    }
  });
});

test('each service module defines its service from its own table, and the user class is defined on that service', async () => {
  await generated(async (out) => {
    const folders = [join(out, 'lib/services/acme'), ...SANDBOX_SERVICES.map((n) => join(KIT_ROOT, 'lib/services', n))];
    for (const dir of folders) {
      const where = relative(KIT_ROOT, dir);
      const mod = (await import(join(dir, 'service.ts'))) as Record<string, unknown>;
      const table = Object.entries(mod).find(([k]) => k.endsWith('_API'))?.[1];
      const service = Object.entries(mod).find(([k]) => k.endsWith('_SERVICE'))?.[1] as Service | undefined;
      assert.ok(table && service, `${where}/service.ts exports its table and its service`);
      assert.equal(service.endpoints, table, `${where}: the service's endpoints are its table`);

      const users = readFileSync(join(dir, 'users.ts'), 'utf8');
      // One way to write a user class, by hand or generated: on its service, calling endpoints by name.
      assert.match(users, /export const \w+User = defineUserClass\(\w+_SERVICE, \(ctx\) => /, where);
      assert.match(users, /export type \w+Context = UserContext<typeof \w+_SERVICE\.endpoints>;/, where);
      assert.match(users, /ctx\.client\.call\('\w+'/, where);
      assert.doesNotMatch(users, /serviceClient\(|\.sender\(/, `${where}: no sender written by hand`);
    }
  });
});

test('a service folder is pure, generated or written by hand: no file of it imports anything k6-bound', async () => {
  await generated(async (out) => {
    const folders = [join(out, 'lib/services/acme'), ...SANDBOX_SERVICES.map((n) => join(KIT_ROOT, 'lib/services', n))];
    for (const dir of folders) {
      for (const f of readdirSync(dir)) {
        const imports = [...readFileSync(join(dir, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
        assert.ok(imports.length > 0, f);
        for (const i of imports) assert.ok(i !== 'k6' && !i.startsWith('k6/') && !i.includes('/k6/'), `${relative(KIT_ROOT, join(dir, f))} imports ${i}`);
      }
    }
  });
});
