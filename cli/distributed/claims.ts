// The runners of docker-compose.yml are replicas of one service: identical containers that cannot be told
// their number. Each claims the first free index i of 0..N-1 with an atomic `mkdir <dir>/<i>` on a
// volume they share with the coordinator, runs segment i of N under the label r<i>, and writes the
// host:port of its REST API to <dir>/<i>/address (written aside, then renamed, so a reader never sees
// half of it). This module is the coordinator's side: wait until all N indices are claimed, then hand
// remote mode its `r<i>=host:port` list (docs/distributed.md, "Docker Compose").
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Claims {
  /** `r<i>=host:port`, i ascending, for the indices whose address is written. */
  remote: string[];
  /** Indices of 0..N-1 not claimed yet, or claimed without an address yet. */
  pending: number[];
}

/** One look at the claims directory. Throws on what waiting cannot fix: an index outside 0..N-1, a bad address. */
export function readClaims(dir: string, runners: number): Claims {
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  const outside = entries.filter((e) => /^\d+$/.test(e) && Number(e) >= runners);
  // A runner started with another RUNNERS than the coordinator, or claims left by an earlier run of this test id.
  if (outside.length > 0) throw new Error(`${dir} holds runner claims ${outside.join(', ')} beyond RUNNERS=${runners}: the runners and the coordinator disagree on the number of runners, or an earlier run used this test id`);
  const remote: string[] = [];
  const pending: number[] = [];
  for (let i = 0; i < runners; i++) {
    const file = join(dir, String(i), 'address');
    if (!existsSync(file)) {
      pending.push(i);
      continue;
    }
    const address = readFileSync(file, 'utf8').trim();
    if (!/^[A-Za-z0-9._-]+:\d+$/.test(address)) throw new Error(`runner r${i} claimed ${file} with '${address}', not host:port`);
    remote.push(`r${i}=${address}`);
  }
  return { remote, pending };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until every index 0..N-1 has an address; the error names the indices still missing. */
export async function waitForClaims(dir: string, runners: number, timeoutMs = 120_000, pollMs = 250): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = readClaims(dir, runners);
    if (c.pending.length === 0) return c.remote;
    if (Date.now() >= deadline) {
      throw new Error(`${c.remote.length} of ${runners} runners claimed a slot in ${dir} within ${timeoutMs} ms; missing ${c.pending.map((i) => `r${i}`).join(', ')} (a runner that did not start, or fewer replicas than RUNNERS)`);
    }
    await sleep(pollMs);
  }
}
