/** POST /api/v1/data/generate streaming behaviour (registered by contract.test.ts). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../../../sandbox/server.ts';
import { AUTH, Client, sleep, start } from '../helpers.ts';
import { checkResponse } from '../spec.ts';

export function streamingSuite(): void {
  describe('data generation stream', () => {
    let sb: Sandbox;
    let api: Client;
    before(async () => {
      ({ sb, api } = await start());
    });
    after(() => sb.close());

    const open = (records: number, chunk = 1000) =>
      fetch(`${sb.paymentUrl}/api/v1/data/generate`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ records, chunk_size: chunk, seed: 7 }),
      });

    test('first chunk arrives while the rest is still pending; concurrent request gets 409; disconnect frees the slot', async () => {
      const t0 = performance.now();
      const res = await open(5_000_000); // ~1 GB if fully read; we only read the start
      checkResponse('payment', 'POST', '/api/v1/data/generate', res.status, res.headers.get('content-type') ?? '', null);
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      const first = await reader.read();
      const firstMs = performance.now() - t0;
      assert.equal(first.done, false);
      assert.ok(first.value && first.value.length > 0);
      const text = new TextDecoder().decode(first.value);
      const line = JSON.parse(text.split('\n')[0] ?? '');
      assert.equal(line.seq, 1);
      assert.ok(firstMs < 2000, `first chunk took ${firstMs.toFixed(0)} ms`);

      const busy = await api.pay('POST', '/api/v1/data/generate', { body: { records: 10 } });
      assert.equal(busy.status, 409);
      assert.equal(busy.body.error.code, 'generation_in_progress');
      assert.ok(Number(busy.headers.get('retry-after')) >= 1);

      // read a little more, then hang up
      for (let i = 0; i < 5; i++) assert.equal((await reader.read()).done, false);
      await reader.cancel();

      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        await sleep(50);
        const r = await api.pay('POST', '/api/v1/data/generate', { body: { records: 3 }, contract: false });
        status = r.status;
      }
      assert.equal(status, 200, 'slot is released after the client disconnects');
    });

    test('a completed stream has exactly `records` valid lines', async () => {
      const res = await open(20_001, 5000);
      const text = await res.text();
      const lines = text.split('\n');
      assert.equal(lines.pop(), '');
      assert.equal(lines.length, 20_001);
      const last = JSON.parse(lines[lines.length - 1] ?? '');
      assert.equal(last.seq, 20_001);
      assert.equal(typeof last.amount, 'number');
      assert.match(last.created_at, /^\d{4}-\d{2}-\d{2}T/);
      const again = await api.pay('POST', '/api/v1/data/generate', { body: { records: 1 } });
      assert.equal(again.status, 200, 'slot released after completion');
    });
  });
}
