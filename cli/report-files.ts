// Where the Node tools write what a run leaves behind (report files, k6's own output), the run's secrets
// are scrubbed on the way out: once at the sink, so no field, file or log line has to remember it.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { redact } from '../lib/config.ts';

/** Writes a report file with every secret replaced. */
export function writeReportFile(path: string, text: string, secrets: readonly string[]): void {
  writeFileSync(path, redact(text, secrets));
}

/**
 * Scrubs every file under a report directory in place. k6 writes some reports itself (the web
 * dashboard's report.html, anything a user's --out writes there), out of reach of our writers.
 */
export function redactReportDir(dir: string, secrets: readonly string[]): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const st = statSync(path);
    if (st.isDirectory()) {
      redactReportDir(path, secrets);
      continue;
    }
    if (entry.endsWith('.gz')) {
      // k6's dashboard event record is gzipped: scrubbed inside, or a secret in it would pass unseen.
      // One that cannot be read (k6 killed mid-write) cannot be scrubbed either: it is not kept.
      let text: string;
      try {
        text = gunzipSync(readFileSync(path)).toString('latin1');
      } catch {
        rmSync(path);
        continue;
      }
      const clean = redact(text, secrets);
      if (clean !== text) writeFileSync(path, gzipSync(Buffer.from(clean, 'latin1')));
      continue;
    }
    const text = readFileSync(path, 'latin1'); // byte-preserving: the secrets are ASCII
    const clean = redact(text, secrets);
    if (clean !== text) writeFileSync(path, clean, 'latin1');
  }
}

/**
 * A stream that passes text through with the secrets replaced. It holds back an incomplete last line,
 * so a secret split across two chunks is still caught (a token never contains a newline).
 */
export function redactingStream(secrets: readonly string[]): Transform {
  let pending = '';
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      const text = pending + chunk.toString('latin1');
      const cut = text.lastIndexOf('\n') + 1;
      pending = text.slice(cut);
      done(null, cut > 0 ? Buffer.from(redact(text.slice(0, cut), secrets), 'latin1') : undefined);
    },
    flush(done: TransformCallback) {
      done(null, pending ? Buffer.from(redact(pending, secrets), 'latin1') : undefined);
    },
  });
}
