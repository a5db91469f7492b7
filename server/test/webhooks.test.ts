import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLinear, type FakeLinear } from './fakes/linear.js';
import { createKey, createTeam, startTestServer, withKey, type TestKey, type TestServer, type TestUser } from './harness.js';
import { subscribe, subscribers } from './subscriptions.js';

const REGISTER = 'mutation ($component: String!, $config: JSON) { registerTrigger(component: $component, config: $config) { trigger { id component config status } inboundUrl signingSecret } }';
const EVENTS = 'subscription ($triggerId: ID) { triggerEvents(triggerId: $triggerId) { id triggerId component payload } }';

let server: TestServer;
let admin: TestUser;
let teamId: string;
let key: TestKey;
let fake: FakeLinear;

beforeAll(async () => {
  fake = await startFakeLinear();
  server = await startTestServer({ linearApiUrl: fake.url });
  admin = await server.signUp();
  teamId = await createTeam(server, admin);
  key = await createKey(server, admin, teamId, { apps: [{ app: 'http', components: ['http.webhook'] }] });
});
afterAll(async () => {
  await server.close();
  await fake.close();
});

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

describe('Linear triggers: POST /webhooks/linear/:triggerId', () => {
  const REMOVE = 'mutation ($id: ID!) { removeTrigger(id: $id) }';
  const LINEAR_TRIGGERS = ['linear.issueCreated', 'linear.issueUpdated', 'linear.commentCreated'];
  const manage = (query: string, variables: Record<string, unknown>) => server.graphql(query, variables, { cookie: admin.cookie });

  async function connect(credentials: Record<string, unknown>, name: string): Promise<string> {
    const created = await manage('mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', { input: { teamId, app: 'linear', name, credentials } });
    expect(created.errors).toBeUndefined();
    return created.data!.createConnection.id;
  }

  async function linearKey(connectionId: string) {
    return createKey(server, admin, teamId, { apps: [{ app: 'linear', connectionId, components: LINEAR_TRIGGERS }] });
  }

  const webhookCalls = (operation: string) => fake.requests.filter((request) => request.query?.includes(`mutation ${operation}`));

  it('registers the Linear webhook first, and a delivery signed with its secret reaches a subscriber', async () => {
    const lkey = await linearKey(await connect({ apiKey: fake.adminKey }, 'Admin Linear'));
    const registered = await withKey(server, lkey.secret)(REGISTER, { component: 'linear.issueCreated', config: { teamId: fake.team.id } });
    expect(registered.errors).toBeUndefined();
    const { trigger, inboundUrl, signingSecret } = registered.data!.registerTrigger;
    expect([inboundUrl, signingSecret]).toEqual([null, null]);
    const webhook = fake.webhooks.find((candidate) => candidate.url === `${server.url}/webhooks/linear/${trigger.id}`)!;
    expect(webhook).toMatchObject({ teamId: fake.team.id, resourceTypes: ['Issue'] });
    expect(webhook.secret.length).toBeGreaterThanOrEqual(32);

    const subscription = subscribe(server, lkey.secret, EVENTS, { triggerId: trigger.id });
    await subscribers(server, 1);
    const data = { id: 'issue-1', identifier: 'ENG-1', title: 'From Linear', url: 'https://linear.app/fake/issue/ENG-1', teamId: fake.team.id, priority: 1 };
    const delivered = await fake.deliver(webhook.id, { action: 'create', type: 'Issue', data });
    expect(delivered.status).toBe(200);
    // Linear retries with the same Linear-Delivery: acknowledged again, stored once.
    const redelivered = await fetch(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'linear-delivery': delivered.deliveryId, 'linear-signature': createHmac('sha256', webhook.secret).update(delivered.body).digest('hex') },
      body: delivered.body,
    });
    expect(redelivered.status).toBe(200);
    expect(await redelivered.json()).toMatchObject({ duplicate: true });
    // A delivery for another component of the same webhook is acknowledged and stores nothing.
    expect((await fake.deliver(webhook.id, { action: 'update', type: 'Issue', data, updatedFrom: { title: 'Old' } })).status).toBe(200);
    await subscription.until(() => subscription.items.length === 1);
    expect(subscription.items[0]).toMatchObject({ triggerId: trigger.id, component: 'linear.issueCreated', payload: { issue: data } });
    await subscription.close();
    expect(await server.latchkey.services.prisma.triggerEvent.count({ where: { triggerId: trigger.id } })).toBe(1);

    // Older than 60 s: refused, whatever the signature.
    expect((await fake.deliver(webhook.id, { action: 'create', type: 'Issue', data }, Date.now() - 61_000)).status).toBe(401);
    expect(await server.latchkey.services.prisma.triggerEvent.count({ where: { triggerId: trigger.id } })).toBe(1);

    const later = await withKey(server, lkey.secret)('{ triggers { id component config status } }');
    expect(JSON.stringify(later)).not.toContain(webhook.secret);
    expect(server.logs.text).not.toContain(webhook.secret);

    expect((await withKey(server, lkey.secret)(REMOVE, { id: trigger.id })).data?.removeTrigger).toBe(trigger.id);
    expect(webhookCalls('LatchkeyWebhookDelete').at(-1)?.variables).toEqual({ id: webhook.id });
    expect(fake.webhooks.find((candidate) => candidate.id === webhook.id)).toBeUndefined();
  });

  it('revoking the key removes its Linear triggers and their webhooks', async () => {
    const lkey = await linearKey(await connect({ apiKey: fake.adminKey }, 'Admin Linear 2'));
    const registered = await withKey(server, lkey.secret)(REGISTER, { component: 'linear.commentCreated', config: { teamId: fake.team.id } });
    const id = registered.data!.registerTrigger.trigger.id;
    const webhook = fake.webhooks.find((candidate) => candidate.url.endsWith(`/webhooks/linear/${id}`))!;
    expect(webhook.resourceTypes).toEqual(['Comment']);
    expect((await manage('mutation ($id: ID!) { revokeApiKey(id: $id) { status } }', { id: lkey.id })).errors).toBeUndefined();
    expect(await server.latchkey.services.prisma.trigger.count({ where: { id } })).toBe(0);
    expect(fake.webhooks.find((candidate) => candidate.id === webhook.id)).toBeUndefined();
    expect(webhookCalls('LatchkeyWebhookDelete').at(-1)?.variables).toEqual({ id: webhook.id });
  });

  it('deleting the connection removes its triggers and deletes their webhooks with its credentials', async () => {
    const connectionId = await connect({ apiKey: fake.adminKey }, 'Admin Linear 4');
    const lkey = await linearKey(connectionId);
    const registered = await withKey(server, lkey.secret)(REGISTER, { component: 'linear.issueCreated', config: { teamId: fake.team.id } });
    const id = registered.data!.registerTrigger.trigger.id;
    const webhook = fake.webhooks.find((candidate) => candidate.url.endsWith(`/webhooks/linear/${id}`))!;
    expect((await manage('mutation ($id: ID!) { deleteConnection(id: $id) }', { id: connectionId })).errors).toBeUndefined();
    expect(await server.latchkey.services.prisma.trigger.count({ where: { id } })).toBe(0);
    expect(fake.webhooks.find((candidate) => candidate.id === webhook.id)).toBeUndefined();
  });

  it('a provider failure on removal is audited, and the trigger is removed all the same', async () => {
    const lkey = await linearKey(await connect({ apiKey: fake.adminKey }, 'Admin Linear 3'));
    const registered = await withKey(server, lkey.secret)(REGISTER, { component: 'linear.issueUpdated', config: { teamId: fake.team.id } });
    const id = registered.data!.registerTrigger.trigger.id;
    fake.setFailure('rateLimited');
    try {
      expect((await withKey(server, lkey.secret)(REMOVE, { id })).data?.removeTrigger).toBe(id);
    } finally {
      fake.setFailure(null);
    }
    expect(await server.latchkey.services.prisma.trigger.count({ where: { id } })).toBe(0);
    const entry = await server.latchkey.services.prisma.auditEntry.findFirst({ where: { teamId, action: 'trigger.providerWebhookDeleteFailed', targetId: id } });
    expect(entry?.details).toMatchObject({ component: 'linear.issueUpdated', error: expect.stringContaining('rate limit') });
  });

  it('a connection without admin cannot register: CONNECTION_INVALID, nothing saved, nothing created at Linear', async () => {
    const created = webhookCalls('LatchkeyWebhookCreate').length;
    // Without `admin` the grant itself is refused...
    const memberConnection = await connect({ apiKey: fake.memberKey }, 'Member Linear');
    const refusedGrant = await manage('mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', {
      input: { teamId, name: 'no admin', scopes: ['READ', 'WRITE', 'DELETE'], apps: [{ app: 'linear', connectionId: memberConnection, components: ['linear.issueCreated'] }] },
    });
    expect(refusedGrant.errors?.[0]?.extensions?.code).toBe('CONNECTION_INVALID');
    // ...and a grant that predates it is checked again when registering.
    const stale = await createKey(server, admin, teamId, { apps: [{ app: 'records', components: ['records.get'] }] });
    await server.latchkey.services.prisma.keyGrant.create({ data: { apiKeyId: stale.id, app: 'linear', connectionId: memberConnection, components: ['linear.issueCreated'] } });
    const refused = await withKey(server, stale.secret)(REGISTER, { component: 'linear.issueCreated', config: { teamId: fake.team.id } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONNECTION_INVALID');
    // An OAuth token claiming `admin` for a user Linear does not let manage webhooks: Linear refuses.
    const oauthConnection = await connect({ accessToken: fake.addOAuthToken(['read', 'write', 'admin'], false), scopes: ['read', 'write', 'admin'] }, 'OAuth not admin');
    const oauthKey = await linearKey(oauthConnection);
    const providerRefused = await withKey(server, oauthKey.secret)(REGISTER, { component: 'linear.issueCreated', config: { teamId: fake.team.id } });
    expect(providerRefused.errors?.[0]?.extensions?.code).toBe('CONNECTION_INVALID');
    expect(webhookCalls('LatchkeyWebhookCreate')).toHaveLength(created + 1);
    expect(await server.latchkey.services.prisma.trigger.count({ where: { apiKeyId: { in: [stale.id, oauthKey.id] } } })).toBe(0);
  });
});
