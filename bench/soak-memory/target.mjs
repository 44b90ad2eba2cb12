// The fast local target of bench/soak-memory.ts: answers every request with 200 and counts them; GET
// /__count returns the count (not counted). Its count is the exact figure the verdict must equal.
import { createServer } from 'node:http';

let served = 0;
const server = createServer((req, res) => {
  if (req.url === '/__count') {
    res.end(String(served));
    return;
  }
  served++;
  res.end('ok');
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
