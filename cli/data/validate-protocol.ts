// Messages between `npm run data` (cli/data/validator-client.ts) and its validation worker thread
// (cli/data/validate-worker.ts). Types only.
//   in:  { entity, text } per batch, in the order written (customers before their accounts and
//        cards), then { end: true }
//   out: { ack: n } after the n-th batch, then { report } or, on any failure, { error }

import type { AmountBand } from '../../lib/data/amounts.ts';
import type { EntityName } from '../../lib/data/types.ts';
import type { ValidationReport } from '../../lib/data/validate.ts';
import type { Format } from './formats.ts';

/** The worker's workerData. */
export interface ValidateWorkerData {
  /** How to read the text: JSON lines (JSON or NDJSON files) or CSV. */
  format: Format;
  amountBands: readonly AmountBand[];
}

export type ValidateMessage = { entity: EntityName; text: string } | { end: true };

export interface ValidateReply {
  ack?: number;
  report?: ValidationReport;
  error?: string;
}
