// A loopback HTTP server for tests that need the real wire: it records every request and
// answers with whatever the test's handler decides.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export interface LocalServer {
  origin: string;
  /** Every request, unless the server was started with `record: false` (soak runs). */
  seen: Seen[];
  received(): number;
  close(): Promise<void>;
}

export async function startLocalServer(
  handle: (seen: Seen, res: ServerResponse) => void = (_seen, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
  { record = true }: { record?: boolean } = {},
): Promise<LocalServer> {
  const seen: Seen[] = [];
  let received = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() };
      if (record) seen.push(entry);
      received++;
      handle(entry, res);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    received: () => received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
