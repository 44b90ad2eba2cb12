// The storage layer alone, in one process, without HTTP, k6 or the machine's other load in between: the
// sandbox's own modules (sandbox/db.ts, idempotency.ts, audit.ts) of this working tree (node:sqlite) and of
// the baseline revision (better-sqlite3), exported and installed by bench/sqlite/run.ts. Complements run.ts,
// whose end-to-end figures on a shared machine are dominated by everything but the driver. See docs/sqlite.md.
//
//   npm exec -- tsx bench/sqlite/driver.ts [--baseline 7e88430] [--rounds 5] [--n 5000] [--db memory|file]
//
// Per round and tree, on a fresh database: n payment writes as POST /api/v1/payments does them (one
// transaction: idempotency lookup, insert, audit row with its hash, stored response), then n reads by id
// (GET /api/v1/payments/{id}), then n/10 merchant listings of 20 rows. The order of the trees alternates
// every round; the table gives the median CPU microseconds per operation (process.cpuUsage) and the median
// of per-round ratios.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from '../measure.ts';
import { baselineTree, OUT, workingTree, type Contender } from './trees.ts';

const { values } = parseArgs({
  options: {
    baseline: { type: 'string', default: '7e88430' },
    rounds: { type: 'string', default: '5' },
    n: { type: 'string', default: '5000' },
    db: { type: 'string', default: 'memory' },
  },
  strict: true,
});
const rounds = Number(values.rounds);
const n = Number(values.n);
if (!(rounds >= 1) || !(n >= 10)) throw new Error('--rounds must be >= 1 and --n >= 10');
if (values.db !== 'memory' && values.db !== 'file') throw new Error(`--db must be memory or file, not '${values.db}'`);

/** The parts of a tree's sandbox modules this bench calls; both revisions export them with these shapes. */
interface Stmt { run(...a: unknown[]): unknown; get(...a: unknown[]): unknown; all(...a: unknown[]): unknown[] }
interface Sdb { stmts: Record<string, Stmt>; close(): void }
interface Modules {
  openDatabase(path: string): Sdb;
  runIdempotent(sdb: Sdb, scope: string, key: string | undefined, request: { path: string; body: unknown }, prepare: () => () => { status: number; body: unknown }): Promise<unknown>;
  appendAudit(sdb: Sdb, type: string, entityId: string, payload: unknown, at: string): void;
}

async function load(root: string): Promise<Modules> {
  const m = (f: string) => import(pathToFileURL(join(root, 'sandbox', f)).href);
  const [db, idem, audit] = await Promise.all([m('db.ts'), m('idempotency.ts'), m('audit.ts')]);
  return { openDatabase: db.openDatabase, runIdempotent: idem.runIdempotent, appendAudit: audit.appendAudit };
}

/**
 * This process's CPU time (user + system), in µs: on a machine shared with other work, wall time counts the
 * waits for a core too, CPU time only the work itself.
 */
function cpuNow(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

interface Round { tree: string; round: number; writeUs: number; readUs: number; listUs: number }

async function measure(c: Contender, m: Modules, round: number): Promise<Round> {
  const file = join(OUT, `driver-${process.pid}-${round}.db`);
  const sdb = m.openDatabase(values.db === 'file' ? file : ':memory:');
  const ids: string[] = [];
  try {
    const at = new Date().toISOString();
    let t = cpuNow();
    for (let i = 0; i < n; i++) {
      const id = `pay_bench${round}x${i}`;
      const merchant = `merch_${i % 50}`;
      const body = { merchant_id: merchant, amount: 100 + i, currency: 'USD', card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvv: '123' } };
      await m.runIdempotent(sdb, 'POST /api/v1/payments', `key-${i}`, { path: '/api/v1/payments', body }, () => () => {
        sdb.stmts.insertPayment!.run(id, merchant, null, body.amount, 'USD', 'visa', '4242', null, at);
        const view = { id, status: 'captured', merchant_id: merchant, amount: body.amount, currency: 'USD', created_at: at };
        m.appendAudit(sdb, 'payment.created', id, view, at);
        return { status: 201, body: view };
      });
      ids.push(id);
    }
    const writeUs = (cpuNow() - t) / n;
    t = cpuNow();
    for (const id of ids) if (!sdb.stmts.getPayment!.get(id)) throw new Error(`${c.driver}: payment ${id} not found`);
    const readUs = (cpuNow() - t) / n;
    t = cpuNow();
    for (let i = 0; i < n / 10; i++) if (sdb.stmts.listMerchantPayments!.all(`merch_${i % 50}`, 20).length !== 20) throw new Error(`${c.driver}: listing came back short`);
    const listUs = (cpuNow() - t) / (n / 10);
    return { tree: c.driver, round, writeUs, readUs, listUs };
  } finally {
    sdb.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const contenders = [workingTree(), baselineTree(values.baseline)];
  const modules = await Promise.all(contenders.map((c) => load(c.root)));
  console.log(`sqlite driver: ${new Date().toISOString()}, Node ${process.version}; ${contenders.map((c) => `${c.driver} (${c.label} ${c.revision})`).join(' vs ')}`);
  console.log(`sqlite driver: ${rounds} rounds of ${n} payment writes, ${n} reads, ${n / 10} listings; ${values.db === 'file' ? 'file (WAL)' : 'in-memory'} database`);
  // One unmeasured pass each, so both are past V8's warm-up when the first measured round starts.
  for (let i = 0; i < 2; i++) await measure(contenders[i]!, modules[i]!, -1);
  const all: Round[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const r = await measure(contenders[i]!, modules[i]!, round);
      all.push(r);
      console.log(`  round ${round + 1} ${r.tree.padEnd(20)} write ${r.writeUs.toFixed(1)}  read ${r.readUs.toFixed(2)}  list ${r.listUs.toFixed(1)} CPU-µs per operation`);
    }
  }
  const [cand, base] = contenders as [Contender, Contender];
  console.log('\n| driver | payment write, CPU-µs (min–max) | read by id, CPU-µs (min–max) | listing of 20, CPU-µs (min–max) |\n|---|---:|---:|---:|');
  for (const c of [base, cand]) {
    const rs = all.filter((r) => r.tree === c.driver);
    const cell = (k: 'writeUs' | 'readUs' | 'listUs', d: number) => {
      const xs = rs.map((r) => r[k]);
      return `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})`;
    };
    console.log(`| ${c.driver} | ${cell('writeUs', 1)} | ${cell('readUs', 2)} | ${cell('listUs', 1)} |`);
  }
  const ratio = (k: 'writeUs' | 'readUs' | 'listUs') =>
    median(Array.from({ length: rounds }, (_, round) => {
      const a = all.find((r) => r.round === round && r.tree === cand.driver);
      const b = all.find((r) => r.round === round && r.tree === base.driver);
      return a && b ? a[k] / b[k] : NaN;
    })).toFixed(3);
  console.log(`\n${cand.driver} / ${base.driver}, median of per-round ratios: write ${ratio('writeUs')}, read ${ratio('readUs')}, listing ${ratio('listUs')}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
