// Worker thread of `npm run data`: validates the dataset while it is being generated, from the exact
// text written to the files (the main thread hands over each batch of serialized records as it writes
// them), so validation runs on the second core instead of re-reading every file afterwards.
// Messages in: { entity, text } in the order written (customers before their accounts and cards),
// then { end: true }. Messages out: { ack: n } after each batch, then { report } or { error }.
import { parentPort, workerData } from 'node:worker_threads';
import type { AmountBand } from '../../lib/data/amounts.ts';
import type { EntityName } from '../../lib/data/types.ts';
import { DatasetValidator } from '../../lib/data/validate.ts';
import { RecordLineReader, type Format } from './formats.ts';

export interface ValidateWorkerData {
  format: Format;
  amountBands: readonly AmountBand[];
}

export type ValidateMessage = { entity: EntityName; text: string } | { end: true };

const port = parentPort;
if (!port) throw new Error('validate-worker.ts runs as a worker thread of cli/data.ts');
const { format, amountBands } = workerData as ValidateWorkerData;
const validator = new DatasetValidator({ amountBands, interleaved: true });
const readers = new Map<EntityName, RecordLineReader>();
let seen = 0;

port.on('message', (m: ValidateMessage) => {
  try {
    if ('end' in m) {
      for (const [entity, reader] of readers) for (const r of reader.end()) validator.add(entity, r);
      port.postMessage({ report: validator.finish() });
      return;
    }
    let reader = readers.get(m.entity);
    if (!reader) readers.set(m.entity, (reader = new RecordLineReader(format, m.entity, `${m.entity}.${format}`)));
    for (const r of reader.push(m.text)) validator.add(m.entity, r);
    port.postMessage({ ack: ++seen });
  } catch (e) {
    port.postMessage({ error: (e as Error).message });
  }
});
