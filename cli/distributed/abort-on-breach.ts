// abortOnFail over all runners: while they run, the thresholds marked abortOnFail are judged once a
// second over everything they wrote so far, with the verdict's own code (lib/verdict/from-prometheus.ts);
// the first certain breach stops every runner, as k6 stops itself in a single run. Used by the local and
// the remote coordinator.
import { judgeThresholds, type PromReader } from '../../lib/verdict/from-prometheus.ts';
import type { Threshold } from '../../lib/verdict/thresholds.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Live {
  prom: PromReader;
  testId: string;
  /** Stops every runner (through their REST APIs: runners.ts stopAll). */
  stopRunners: () => Promise<void>;
  thresholds: readonly Threshold[];
  started: number;
  released: number;
  log: (line: string) => void;
}

/**
 * abortOnFail thresholds, judged over all runners once a second while they run (each after its
 * delayAbortEval). The first certain breach stops every runner, as k6 stops itself in a single run.
 */
export async function abortOnBreach(l: Live, abort: { by: string | null; done: boolean }): Promise<void> {
  const watched = l.thresholds.filter((t) => t.abortOnFail);
  while (watched.length > 0 && !abort.done) {
    await sleep(1000);
    const elapsed = (Date.now() - l.released) / 1000;
    const due = watched.filter((t) => elapsed >= t.delayAbortEvalSeconds);
    if (due.length === 0 || abort.done) continue;
    const time = Date.now() / 1000;
    const judged = await judgeThresholds({
      prom: l.prom, testId: l.testId, time, rangeSeconds: time - l.started / 1000 + 60, durationSeconds: elapsed, thresholds: due, summaries: [],
    }).catch(() => []);
    const breach = judged.find((j) => !j.undecided && !j.result.ok);
    if (breach && !abort.done) {
      abort.by = `${breach.result.metric}: ${breach.result.expression}`;
      l.log(`abortOnFail threshold breached over all runners (${abort.by}, observed ${breach.result.observed}): stopping every runner`);
      await l.stopRunners();
      return;
    }
  }
}
