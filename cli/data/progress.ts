// The progress line of `npm run data` on stderr: a bar redrawn in place on a terminal (at most
// every 150 ms), a plain line every 5 s otherwise (CI logs), nothing for runs under a second or
// with --quiet.

export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private readonly start = Date.now();
  private last = 0;
  private lastLine = 0;
  private shown = false;
  constructor(private readonly total: number, private readonly unit: string, private readonly quiet: boolean) {}

  update(done: number, label: string): void {
    if (this.quiet) return;
    const now = Date.now();
    const elapsed = now - this.start;
    if (elapsed < 1000) return; // short runs stay silent
    const rate = done / (elapsed / 1000);
    const pct = this.total > 0 ? Math.min(100, (100 * done) / this.total) : 100;
    if (this.tty) {
      if (now - this.last < 150) return;
      this.last = now;
      const width = 28;
      const filled = Math.round((pct / 100) * width);
      const eta = rate > 0 ? Math.max(0, (this.total - done) / rate) : 0;
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct.toFixed(0).padStart(3)}% ${label.padEnd(12)} ${fmt(Math.round(rate))} ${this.unit}/s  eta ${eta.toFixed(0)}s   `);
      this.shown = true;
    } else if (now - this.lastLine >= 5000) {
      this.lastLine = now;
      process.stderr.write(`data: ${pct.toFixed(0)}% ${label}, ${fmt(done)}/${fmt(this.total)} ${this.unit}, ${fmt(Math.round(rate))} ${this.unit}/s\n`);
    }
  }

  /** Clears the bar, if one was drawn. */
  done(): void {
    if (this.tty && this.shown) process.stderr.write('\r\x1b[K');
  }
}

/** 1234567 → "1,234,567". */
export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
