// Worker thread of `npm run data`: validates the dataset while it is being generated, from the exact
// text written to the files (the main thread hands over each batch of serialized records as it writes
// them), so validation runs on the second core instead of re-reading every file afterwards.
// Messages: validate-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import type { EntityName } from '../../lib/data/types.ts';
import { DatasetValidator } from '../../lib/data/validate.ts';
import { RecordLineReader } from './formats.ts';
import type { ValidateMessage, ValidateReply, ValidateWorkerData } from './validate-protocol.ts';

const port = parentPort;
if (!port) throw new Error('validate-worker.ts runs as a worker thread of cli/data.ts');
const { format, amountBands } = workerData as ValidateWorkerData;
const validator = new DatasetValidator({ amountBands, interleaved: true });
const readers = new Map<EntityName, RecordLineReader>();
let seen = 0;
const reply = (m: ValidateReply) => port.postMessage(m);

port.on('message', (m: ValidateMessage) => {
  try {
    if ('end' in m) {
      for (const [entity, reader] of readers) for (const r of reader.end()) validator.add(entity, r);
      reply({ report: validator.finish() });
      return;
    }
    let reader = readers.get(m.entity);
    if (!reader) readers.set(m.entity, (reader = new RecordLineReader(format, m.entity, `${m.entity}.${format}`)));
    for (const r of reader.push(m.text)) validator.add(m.entity, r);
    reply({ ack: ++seen });
  } catch (e) {
    reply({ error: (e as Error).message });
  }
});
