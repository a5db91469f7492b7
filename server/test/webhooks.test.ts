import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createTeam, startTestServer, withKey, type TestKey, type TestServer, type TestUser } from './harness.js';
import { subscribe, subscribers } from './subscriptions.js';

const REGISTER = 'mutation ($component: String!, $config: JSON) { registerTrigger(component: $component, config: $config) { trigger { id component config status } inboundUrl signingSecret } }';
const EVENTS = 'subscription ($triggerId: ID) { triggerEvents(triggerId: $triggerId) { id triggerId component payload } }';

let server: TestServer;
let admin: TestUser;
let teamId: string;
let key: TestKey;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.signUp();
  teamId = await createTeam(server, admin);
  key = await createKey(server, admin, teamId, { apps: [{ app: 'http', components: ['http.webhook'] }] });
});
afterAll(() => server.close());

/** Posts `body` the way a Standard Webhooks sender does, signed with `secret` at `at`. */
function post(url: string, secret: string, body: string, options: { id?: string; at?: Date; signature?: string } = {}) {
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const at = options.at ?? new Date();
  const signature = options.signature ?? new Webhook(secret).sign(id, at, body);
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature },
    body,
  });
}

async function registerWebhook() {
  const result = await withKey(server, key.secret)(REGISTER, { component: 'http.webhook', config: {} });
  expect(result.errors).toBeUndefined();
  return result.data!.registerTrigger as { trigger: { id: string }; inboundUrl: string; signingSecret: string };
}

describe('http.webhook: POST /webhooks/inbound/:triggerId', () => {
  it('registers with an inbound URL and a whsec_ secret shown once, and a signed delivery reaches a subscriber', async () => {
    const { trigger, inboundUrl, signingSecret } = await registerWebhook();
    expect(inboundUrl).toBe(`${server.url}/webhooks/inbound/${trigger.id}`);
    expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const subscription = subscribe(server, key.secret, EVENTS, { triggerId: trigger.id });
    await subscribers(server, 1);
    const response = await post(inboundUrl, signingSecret, JSON.stringify({ order: 42, items: ['a', 'b'] }));
    expect(response.status).toBe(200);
    await subscription.until(() => subscription.items.length === 1);
    expect(subscription.items[0]).toMatchObject({ triggerId: trigger.id, component: 'http.webhook', payload: { order: 42, items: ['a', 'b'] } });
    await subscription.close();

    // Never again: not in triggers, not in the console's view, not in the logs.
    const later = await withKey(server, key.secret)('{ triggers { id component config status } }');
    const teamView = await server.graphql('query ($team: ID!) { team(id: $team) { triggers { id config } } }', { team: teamId }, { cookie: admin.cookie });
    expect(JSON.stringify([later, teamView])).not.toContain(signingSecret.slice(6));
    expect(server.logs.text).not.toContain(signingSecret.slice(6));
    const row = await server.latchkey.services.prisma.trigger.findUniqueOrThrow({ where: { id: trigger.id } });
    expect(row.secretCiphertext).not.toContain(signingSecret.slice(6));
  });

  it('answers 401 for a wrong or missing signature and a timestamp over 5 minutes old, storing nothing', async () => {
    const { trigger, inboundUrl, signingSecret } = await registerWebhook();
    const body = JSON.stringify({ hello: 'world' });
    const wrong = await post(inboundUrl, 'whsec_' + Buffer.alloc(32, 7).toString('base64'), body);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: expect.any(String) });
    expect((await post(inboundUrl, signingSecret, body, { signature: '' })).status).toBe(401);
    expect((await post(inboundUrl, signingSecret, body, { at: new Date(Date.now() - 6 * 60_000) })).status).toBe(401);
    expect(await server.latchkey.services.prisma.triggerEvent.count({ where: { triggerId: trigger.id } })).toBe(0);
  });

  it('answers 404 for an unknown trigger or target, 400 for malformed JSON, 413 above 1 MiB', async () => {
    const { trigger, inboundUrl, signingSecret } = await registerWebhook();
    expect((await post(`${server.url}/webhooks/inbound/00000000-0000-4000-8000-000000000000`, signingSecret, '{}')).status).toBe(404);
    expect((await post(`${server.url}/webhooks/nowhere/${trigger.id}`, signingSecret, '{}')).status).toBe(404);
    const malformed = await post(inboundUrl, signingSecret, '{"not json');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: 'The body is not JSON.' });
    const huge = JSON.stringify({ blob: 'x'.repeat(1024 * 1024) });
    expect((await post(inboundUrl, signingSecret, huge)).status).toBe(413);
    expect(await server.latchkey.services.prisma.triggerEvent.count({ where: { triggerId: trigger.id } })).toBe(0);
  });

  it('a redelivery (same webhook-id) answers 2xx again and stores one event', async () => {
    const { trigger, inboundUrl, signingSecret } = await registerWebhook();
    const body = JSON.stringify({ n: 1 });
    const first = await post(inboundUrl, signingSecret, body, { id: 'msg_same' });
    const again = await post(inboundUrl, signingSecret, body, { id: 'msg_same' });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(await server.latchkey.services.prisma.triggerEvent.count({ where: { triggerId: trigger.id } })).toBe(1);
  });

  it("a removed trigger's URL answers 404", async () => {
    const { trigger, inboundUrl, signingSecret } = await registerWebhook();
    await withKey(server, key.secret)('mutation ($id: ID!) { removeTrigger(id: $id) }', { id: trigger.id });
    expect((await post(inboundUrl, signingSecret, '{}')).status).toBe(404);
  });
});
