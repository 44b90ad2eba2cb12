// Loaded into the sandbox for the peers benchmark (node --import): counts every answered request by
// method, route and status, in 100 ms buckets, and writes the counts to PEERS_COUNT_FILE when the
// sandbox exits. Counting at the server gives every contender the same request count and mix,
// whatever its own report calls them. Ids in paths (pay_…, auth_…, mer_…) become {id}.
import http from 'node:http';
import { writeFileSync } from 'node:fs';

const file = process.env.PEERS_COUNT_FILE;
const routes = {};
const buckets = {};
let first = 0;
let last = 0;

const routeOf = (url) => (url.split('?')[0] ?? '').replace(/\/[a-z]+_[A-Za-z0-9-]+(?=\/|$)/g, '/{id}');

if (file) {
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, req, res) {
    if (event === 'request') {
      const route = `${req.method} ${routeOf(req.url ?? '')}`;
      res.once('finish', () => {
        const now = Date.now();
        if (!first) first = now;
        last = now;
        const key = `${route} ${res.statusCode}`;
        routes[key] = (routes[key] ?? 0) + 1;
        const b = Math.floor(now / 100);
        buckets[b] = (buckets[b] ?? 0) + 1;
      });
    }
    return emit.apply(this, arguments);
  };
  process.on('exit', () => writeFileSync(file, JSON.stringify({ first, last, routes, buckets })));
}
