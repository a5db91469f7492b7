import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFrom, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const ME = '{ me { id email name } }';

function signIn(email: string, password: string) {
  return fetch(`${server.url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ email, password }),
  });
}

describe('sessions', () => {
  it('signs up, reads me with the cookie, signs out, and the cookie stops working', async () => {
    const user = await server.signUp({ name: 'Ada' });
    const cookieHeader = user.cookie;
    expect(cookieHeader).toMatch(/session_token=/);

    const me = await server.graphql(ME, {}, { cookie: cookieHeader });
    expect(me.data?.me).toMatchObject({ email: user.email, name: 'Ada' });

    const signOut = await fetch(`${server.url}/api/auth/sign-out`, { method: 'POST', headers: { cookie: cookieHeader, origin: server.url, 'content-type': 'application/json' }, body: '{}' });
    expect(signOut.status).toBe(200);
    const after = await server.graphql(ME, {}, { cookie: cookieHeader });
    expect(after.data?.me).toBeNull();
  });

  it('sets an httpOnly, SameSite=Lax session cookie', async () => {
    const user = await server.signUp();
    const response = await signIn(user.email, user.password);
    const setCookie = response.headers.getSetCookie().find((cookie) => cookie.includes('session_token'));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
  });

  it('signs in with the right password only', async () => {
    const user = await server.signUp();
    const wrong = await signIn(user.email, 'not-the-password');
    expect(wrong.status).toBe(401);
    const right = await signIn(user.email, user.password);
    expect(right.status).toBe(200);
    const me = await server.graphql(ME, {}, { cookie: cookieFrom(right) });
    expect(me.data?.me).toMatchObject({ email: user.email });
  });

  it('refuses a duplicate email on sign-up', async () => {
    const user = await server.signUp();
    await expect(server.signUp({ email: user.email })).rejects.toThrow(/sign-up failed: 422/);
  });

  it('answers me: null when signed out and UNAUTHENTICATED on session fields', async () => {
    expect((await server.graphql(ME)).data?.me).toBeNull();
    const created = await server.graphql('mutation { createTeam(name: "x") { id } }');
    expect(created.status).toBe(401);
    expect(created.headers.get('www-authenticate')).toBe('Bearer');
    expect(created.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('throttles repeated failed sign-ins', async () => {
    const user = await server.signUp();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt++) statuses.push((await signIn(user.email, 'wrong-password')).status);
    expect(statuses.slice(0, 5).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Even the right password waits until the window has passed.
    expect((await signIn(user.email, user.password)).status).toBe(429);
  });
});
