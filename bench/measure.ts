// What the benches share: the CPU a process tree used, read from /proc (Linux), and the median of a sample.
// Used by bench/peers (the load generator's tree) and bench/sqlite (the sandbox process).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat { ppid: number; ticks: number }

function readStat(pid: string): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after the command: state ppid ... utime(11) stime(12) cutime(13) cstime(14), in clock ticks
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

/** user+sys clock ticks of `root` and all its descendants, living and reaped (NaN when root is gone). */
export function treeTicks(root: number): number {
  const byParent = new Map<number, Array<{ pid: number; ticks: number }>>();
  let rootTicks = NaN;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(name);
    if (!s) continue;
    const pid = Number(name);
    if (pid === root) rootTicks = s.ticks;
    const list = byParent.get(s.ppid) ?? [];
    list.push({ pid, ticks: s.ticks });
    byParent.set(s.ppid, list);
  }
  let total = rootTicks;
  const stack = [root];
  while (stack.length) {
    for (const c of byParent.get(stack.pop() as number) ?? []) {
      total += c.ticks;
      stack.push(c.pid);
    }
  }
  return total;
}

/** Milliseconds per clock tick (getconf CLK_TCK, 100 on Linux almost everywhere). */
export const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** Median of the finite values (NaN when there are none). */
export const median = (xs: number[]): number => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  return v.length === 0 ? NaN : v.length % 2 ? (v[(v.length - 1) / 2] as number) : ((v[v.length / 2 - 1] as number) + (v[v.length / 2] as number)) / 2;
};
