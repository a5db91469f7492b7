import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface HttpTarget {
  /** e.g. http://127.0.0.1:1234 */
  url: string;
  port: number;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The other end of http.request in tests:
 * - `/json` and `/text` answer a fixed JSON object and plain text;
 * - `/echo` answers `{ method, path, headers, body }` as JSON;
 * - `/redirect?to=<url>&status=<3xx>` redirects there; `/hops/<n>` redirects n times, then echoes;
 * - `/large?bytes=<n>` streams n bytes of text; `/slow?ms=<n>` answers after n ms.
 */
export async function startHttpTarget(host = '127.0.0.1'): Promise<HttpTarget> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://target');
    const json = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(value));
    };
    switch (url.pathname) {
      case '/json':
        return json(200, { hello: 'world', n: 1 });
      case '/text':
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-target': 'yes' });
        return response.end('plain words');
      case '/echo':
        return json(200, { method: request.method, path: url.pathname + url.search, headers: request.headers, body: await bodyOf(request) });
      case '/redirect':
        response.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/echo' });
        return response.end();
      case '/large': {
        const total = Number(url.searchParams.get('bytes') ?? 0);
        const declare = url.searchParams.get('declare') !== 'no';
        response.writeHead(200, { 'content-type': 'text/plain', ...(declare ? { 'content-length': String(total) } : {}) });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const write = () => {
          while (sent < total) {
            const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
            sent += piece.length;
            if (!response.write(piece)) return response.once('drain', write);
          }
          response.end();
        };
        return write();
      }
      case '/limited':
        // A target that rate-limits, as many APIs do.
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': url.searchParams.get('retryAfter') ?? '7' });
        return response.end(JSON.stringify({ error: 'rate_limited' }));
      case '/slow':
        setTimeout(() => json(200, { slow: true }), Number(url.searchParams.get('ms') ?? 5000));
        return;
      default: {
        const hops = /^\/hops\/(\d+)$/.exec(url.pathname);
        if (hops) {
          const left = Number(hops[1]);
          response.writeHead(302, { location: left > 1 ? `/hops/${left - 1}` : '/echo' });
          return response.end();
        }
        return json(404, { error: 'not found' });
      }
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
