// The main thread's side of validation during generation: hands the worker thread
// (validate-worker.ts, protocol in validate-protocol.ts) the text of every record of one format
// exactly as written, batch by batch, customers before their accounts and cards. At most
// MAX_BATCHES_IN_FLIGHT batches wait in the worker's queue, so memory stays flat if it falls behind.

import { Worker } from 'node:worker_threads';
import type { AmountBand } from '../../lib/data/amounts.ts';
import type { ValidationReport } from '../../lib/data/validate.ts';
import type { Format } from './formats.ts';
import type { Sink } from './sinks.ts';
import type { ValidateMessage, ValidateReply, ValidateWorkerData } from './validate-protocol.ts';

const MAX_BATCHES_IN_FLIGHT = 16;

export class ParallelValidator {
  private readonly worker: Worker;
  private sent = 0;
  private acked = 0;
  private failure: Error | null = null;
  private waiting: (() => void) | null = null;
  private result: Promise<ValidationReport>;

  constructor(format: Format, amountBands: readonly AmountBand[]) {
    // JSON files hold one record per line, so the worker reads JSON and NDJSON text alike.
    const workerData: ValidateWorkerData = { format: format === 'csv' ? 'csv' : 'ndjson', amountBands };
    this.worker = new Worker(new URL('./validate-worker.mjs', import.meta.url), { workerData });
    this.result = new Promise((resolve, reject) => {
      this.worker.on('message', (m: ValidateReply) => {
        if (m.ack !== undefined) this.acked = m.ack;
        if (m.error !== undefined) this.failure = new Error(`validation: ${m.error}`);
        if (m.report) resolve(m.report);
        if (m.error !== undefined) reject(this.failure);
        this.waiting?.();
      });
      this.worker.on('error', (e) => {
        this.failure = e;
        reject(e);
        this.waiting?.();
      });
    });
    this.result.catch(() => undefined); // observed in finish(); a failure also stops send()
  }

  private post(m: ValidateMessage): void {
    this.worker.postMessage(m);
  }

  /** Hands over what `sink` has written since the last call; waits while the worker is far behind. */
  async send(sink: Sink): Promise<void> {
    if (!sink.check || sink.check.length === 0) return;
    const text = sink.check.join('');
    sink.check.length = 0;
    this.post({ entity: sink.entity, text });
    this.sent++;
    while (this.sent - this.acked > MAX_BATCHES_IN_FLIGHT && !this.failure) await new Promise<void>((r) => (this.waiting = r));
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<ValidationReport> {
    this.post({ end: true });
    try {
      return await this.result;
    } finally {
      await this.worker.terminate();
    }
  }

  stop(): void {
    void this.worker.terminate();
  }
}
