// The loopback server every contender talks to: keep-alive, answers like Customer.io would
// (200 {} for Track writes, a delivery for sends), and does as little work as it can so the
// clients' own costs are what differ.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const EMPTY = Buffer.from('{}');
const DELIVERY = Buffer.from('{"delivery_id":"RAECAAFwnUSneIa0ZXkmb8EK","queued_at":1735689600}');

export interface BenchServer {
  origin: string;
  requests(): number;
  /** The largest request body received, in bytes (the import's batches must stay under 500 KB). */
  maxBodyBytes(): number;
  close(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  let count = 0;
  let maxBody = 0;
  const server: Server = createServer((req, res) => {
    count++;
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => {
      if (size > maxBody) maxBody = size;
      const body = req.url?.startsWith('/v1/send/') ? DELIVERY : EMPTY;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => count,
    maxBodyBytes: () => maxBody,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
