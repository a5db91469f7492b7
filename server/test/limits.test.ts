import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../src/schema/yoga.js';
import { startTestServer, type TestServer, type TestUser } from './harness.js';

let server: TestServer;
let user: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  user = await server.signUp();
});
afterAll(() => server.close());

describe('query limits', () => {
  it('refuses a query nested deeper than the limit', async () => {
    let selection = 'id';
    for (let level = 0; level < LIMITS.depth; level++) selection = `teams { members { user { ${selection} } } }`;
    const result = await server.graphql(`{ me { ${selection} } }`, {}, { cookie: user.cookie });
    expect(result.status).toBe(400);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.message).toMatch(/depth/i);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('accepts a query within the limits', async () => {
    const result = await server.graphql('{ me { teams { members { user { email } } } } }', {}, { cookie: user.cookie });
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
  });

  it('refuses an alias flood', async () => {
    const aliases = Array.from({ length: LIMITS.aliases + 5 }, (_, i) => `a${i}: me { id }`).join(' ');
    const result = await server.graphql(`{ ${aliases} }`, {}, { cookie: user.cookie });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/aliases/i);
  });

  it('refuses a query with too many tokens', async () => {
    const fields = Array.from({ length: LIMITS.tokens }, () => 'id').join(' ');
    const result = await server.graphql(`{ me { ${fields} } }`, {}, { cookie: user.cookie });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/token/i);
  });

  it('answers 413 to a body over 1 MiB, before reading it all', async () => {
    const big = JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(1024 * 1024) } });
    const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(response.status).toBe(413);
    const auth = await fetch(`${server.url}/api/auth/sign-in/email`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(auth.status).toBe(413);
  });

  it('does not execute batched requests', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: user.cookie },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(await response.json())).not.toContain(user.email);
  });
});

describe('cross-site requests', () => {
  it('refuses the session cookie from an untrusted origin', async () => {
    const result = await server.graphql('mutation { createTeam(name: "evil") { id } }', {}, { cookie: user.cookie, headers: { origin: 'https://evil.example' } });
    expect(result.status).toBe(403);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CSRF' });
    expect(await server.latchkey.services.prisma.team.count({ where: { name: 'evil' } })).toBe(0);
  });

  it('accepts the cookie from a trusted origin', async () => {
    const result = await server.graphql('{ me { email } }', {}, { cookie: user.cookie, headers: { origin: server.url } });
    expect(result.data?.me).toEqual({ email: user.email });
  });

  it('refuses POST bodies a cross-site form could send', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: user.cookie },
      body: 'query=mutation%20%7B%20createTeam(name%3A%20%22form%22)%20%7B%20id%20%7D%20%7D',
    });
    expect(response.status).toBe(403);
    expect(await server.latchkey.services.prisma.team.count({ where: { name: 'form' } })).toBe(0);
  });

  it('answers queries over GET but never runs mutations there', async () => {
    const query = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ me { email } }')}`, { headers: { cookie: user.cookie, accept: 'application/json' } });
    expect(await query.json()).toEqual({ data: { me: { email: user.email } } });
    const mutation = await fetch(`${server.url}/graphql?query=${encodeURIComponent('mutation { createTeam(name: "get") { id } }')}`, { headers: { cookie: user.cookie, accept: 'application/json' } });
    expect(mutation.status).toBe(405);
    expect(await server.latchkey.services.prisma.team.count({ where: { name: 'get' } })).toBe(0);
  });
});

describe('errors', () => {
  it('masks unexpected errors: no stack trace or internals reach the client', async () => {
    const { prisma } = server.latchkey.services;
    const original = prisma.team.findMany;
    prisma.team.findMany = (() => Promise.reject(new Error('connection to 10.1.2.3 failed: password authentication failed'))) as never;
    try {
      const result = await server.graphql('{ me { teams { id } } }', {}, { cookie: user.cookie });
      const text = JSON.stringify(result);
      expect(text).not.toContain('10.1.2.3');
      expect(text).not.toMatch(/at .*\.ts:\d+/);
      expect(result.errors?.[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(server.logs.text).toContain('10.1.2.3');
    } finally {
      prisma.team.findMany = original;
    }
  });
});
