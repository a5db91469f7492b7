import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer, type TestUser } from './harness.js';

let server: TestServer;
let user: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  user = await server.signUp();
});
afterAll(() => server.close());

function wsClient(headers: Record<string, string>): Client {
  const url = server.url.replace('http', 'ws') + '/graphql';
  return createClient({
    url,
    retryAttempts: 0,
    lazy: true,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    },
  });
}

function once(client: Client, query: string): Promise<{ data?: unknown; errors?: unknown }> {
  return new Promise((resolve, reject) => {
    let result: { data?: unknown; errors?: unknown } = {};
    client.subscribe({ query }, { next: (value) => (result = value as typeof result), error: reject, complete: () => resolve(result) });
  });
}

describe('graphql-ws on /graphql', () => {
  it('runs operations with the session cookie, through the same pipeline as HTTP', async () => {
    const client = wsClient({ cookie: user.cookie, origin: server.url });
    try {
      expect(await once(client, '{ me { email } }')).toEqual({ data: { me: { email: user.email } } });
      // The query limits apply here too.
      const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: me { email }`).join(' ');
      await expect(once(client, `{ ${aliases} }`)).rejects.toBeDefined();
    } finally {
      await client.dispose();
    }
  });

  it('treats a socket without a session as signed out', async () => {
    const client = wsClient({});
    try {
      expect(await once(client, '{ me { email } }')).toEqual({ data: { me: null } });
    } finally {
      await client.dispose();
    }
  });

  it('refuses a cookie-carrying upgrade from an untrusted origin', async () => {
    const socket = new WebSocket(server.url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws', { headers: { cookie: user.cookie, origin: 'https://evil.example' } });
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
  });
});
