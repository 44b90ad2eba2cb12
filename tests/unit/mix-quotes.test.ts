// The docs and benches that quote a user class's mix (README's scenario table, docs/peers.md, the minimal
// k6 scripts, the Locust and Artillery ports) quote the weights of its task table: the table is the one
// home of the mix, and a weight changed there without the quotes fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseConfig } from '../../lib/config.ts';
import { PROFILE_NAMES } from '../../lib/profiles.ts';
import { bankingUser } from '../../lib/services/banking/users.ts';
import { paymentUser } from '../../lib/services/payment/users.ts';
import type { ScriptContext, UserClass } from '../../lib/services/user-class.ts';

// The defaults: what a run without variables uses, and what the quotes describe.
const script = { config: parseConfig({}, PROFILE_NAMES), as: () => script } as unknown as ScriptContext;
const weights = (user: (s: ScriptContext) => Pick<UserClass<never>, 'tasks'>) => user(script).tasks.map((t) => Math.round(t.weight * 1e6) / 1e6);
const TABLES = { payment: weights(paymentUser), banking: weights(bankingUser) };

const read = (file: string) => readFileSync(file, 'utf8');
const section = (text: string, from: string, to?: string) => {
  const start = text.indexOf(from);
  assert.ok(start >= 0, `'${from}' not found`);
  const end = to === undefined ? -1 : text.indexOf(to, start + from.length);
  return text.slice(start, end < 0 ? undefined : end);
};
/** Prose: "pay 70, refund 10, …" (a percentage or a status beside a weight is not one). */
const LABELLED = /\b(?:pay|refund|status|merchant transactions|health|authorize|capture|settlement(?: report)?|batch(?: of five(?: authorizations)?)?) (\d+)\b/g;
const prose = (text: string) => [...text.replace(/^\s*(?:#|\/\/)\s?/gm, ' ').replace(/\s+/g, ' ').matchAll(LABELLED)].map((m) => Number(m[1]));
/** Code that draws r in [0, 100) and picks by `r < bound`: the weights are the steps between bounds. */
const bounds = (text: string) => {
  const cut = [...text.matchAll(/\br < (\d+)/g)].map((m) => Number(m[1]));
  return [...cut, 100].map((b, i) => b - (i === 0 ? 0 : (cut[i - 1] as number)));
};
/** Locust: `tasks = [a] * 70 + [b] * 10 …`. */
const repeated = (text: string) => [...section(text, 'tasks = [').matchAll(/\[\w+\] \* (\d+)/g)].map((m) => Number(m[1]));

const QUOTES: Array<{ where: string; mix: keyof typeof TABLES; weights: () => number[] }> = [
  { where: 'README.md scenario table', mix: 'payment', weights: () => prose(section(read('README.md'), '| `payment` |', '\n')) },
  { where: 'README.md scenario table', mix: 'banking', weights: () => prose(section(read('README.md'), '| `banking` |', '\n')) },
  { where: 'docs/peers.md', mix: 'payment', weights: () => prose(section(read('docs/peers.md'), 'Task weights are those of', 'lib/services/banking/users.ts')) },
  { where: 'docs/peers.md', mix: 'banking', weights: () => prose(section(read('docs/peers.md'), 'lib/services/banking/users.ts', '\n\n')) },
  { where: 'bench/efficiency/payment-minimal.js', mix: 'payment', weights: () => bounds(section(read('bench/efficiency/payment-minimal.js'), 'export default function')) },
  { where: 'bench/efficiency/banking-minimal.js', mix: 'banking', weights: () => bounds(section(read('bench/efficiency/banking-minimal.js'), 'export default function')) },
  { where: 'bench/peers/locust/payment.py', mix: 'payment', weights: () => repeated(read('bench/peers/locust/payment.py')) },
  { where: 'bench/peers/locust/payment.py docstring', mix: 'payment', weights: () => prose(section(read('bench/peers/locust/payment.py'), '"""', 'No think time')) },
  { where: 'bench/peers/locust/banking.py', mix: 'banking', weights: () => repeated(read('bench/peers/locust/banking.py')) },
  { where: 'bench/peers/locust/banking.py docstring', mix: 'banking', weights: () => prose(section(read('bench/peers/locust/banking.py'), '"""', 'No think time')) },
  { where: 'bench/peers/artillery/payment.js', mix: 'payment', weights: () => bounds(section(read('bench/peers/artillery/payment.js'), 'v.task = ', '\n')) },
  { where: 'bench/peers/artillery/banking.js', mix: 'banking', weights: () => bounds(section(read('bench/peers/artillery/banking.js'), 'v.task = ', '\n')) },
  { where: 'bench/peers/artillery/payment.yml', mix: 'payment', weights: () => prose(section(read('bench/peers/artillery/payment.yml'), '(payment.js nextTask)', 'Checks')) },
  { where: 'bench/peers/artillery/banking.yml', mix: 'banking', weights: () => prose(section(read('bench/peers/artillery/banking.yml'), '(banking.js nextTask)', 'Checks')) },
];

test('the task tables are read: one weight per task', () => {
  assert.ok(TABLES.payment.length >= 2 && TABLES.banking.length >= 2, JSON.stringify(TABLES));
  for (const w of [...TABLES.payment, ...TABLES.banking]) assert.ok(w > 0, JSON.stringify(TABLES));
});

for (const q of QUOTES) {
  test(`${q.where} quotes the ${q.mix} task table's weights`, () => {
    assert.deepEqual(q.weights(), TABLES[q.mix], `${q.where}: update its quote of the ${q.mix} mix from lib/services/${q.mix}/users.ts`);
  });
}

test('a changed weight is caught: the reader sees the quote, not the table', () => {
  const changed = read('README.md').replace('pay 70, refund 10', 'pay 60, refund 20');
  assert.notDeepEqual(prose(section(changed, '| `payment` |', '\n')), TABLES.payment);
});
