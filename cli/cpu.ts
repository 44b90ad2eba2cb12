// CPU time read from /proc (Linux): the benches' process-tree sampler (bench/measure.ts) and the load
// generator's CPU a run records in baseline.json (docs/baseline.md). One reader of /proc/<pid>/stat.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  ppid: number;
  /** user + system clock ticks of the process itself */
  own: number;
  /** user + system clock ticks of its children it has waited for (reaped) */
  reaped: number;
}

function readStat(pid: string): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after the command: state ppid ... utime(11) stime(12) cutime(13) cstime(14), in clock ticks
    return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
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
    const ticks = s.own + s.reaped;
    if (pid === root) rootTicks = ticks;
    const list = byParent.get(s.ppid) ?? [];
    list.push({ pid, ticks });
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

/**
 * The CPU (user + system, ms) of every child this process has reaped so far, or null off Linux. The
 * kernel adds a child's whole CPU time to its parent's when the parent waits for it, which Node does as
 * soon as the child exits: the difference around a k6 run is that k6's CPU to its last instruction,
 * which a sampler of /proc/<k6 pid> would miss from its last sample on (k6's summary comes last).
 * Only exact when no other child of this process exits meanwhile: the sandbox and Prometheus outlive the
 * k6 processes they serve.
 */
export function reapedChildrenCpuMs(): number | null {
  const s = readStat('self');
  return s ? s.reaped * TICK_MS : null;
}
