// SIGINT/SIGTERM during `npm run data`: the run is marked interrupted, its cleanup (stop the
// validation worker, remove temporary files) runs at once, and the process exits 130. The
// generation loop also checks the mark between batches (checkInterrupted), and its error path
// reports 130 instead of a failure when the mark is set.

export const INTERRUPTED_EXIT_CODE = 130;

let interrupted = false;

export function wasInterrupted(): boolean {
  return interrupted;
}

/** Throws if a signal has arrived; the caller's error path then cleans up and exits 130. */
export function checkInterrupted(): void {
  if (interrupted) throw new Error('interrupted');
}

/** Installs the handlers; `cleanup` must be synchronous (the process exits right after it). */
export function onInterrupt(cleanup: () => void): void {
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted = true;
    cleanup();
    process.stderr.write(`\ndata: ${sig}: stopped, temporary files removed, nothing complete was written\n`);
    process.exit(INTERRUPTED_EXIT_CODE);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
