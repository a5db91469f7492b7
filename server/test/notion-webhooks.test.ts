import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeNotion, type FakeNotion } from './fakes/notion.js';
import { addMember, createKey, createTeam, startTestServer, withKey, type TestServer, type TestUser } from './harness.js';
import { subscribe, subscribers } from './subscriptions.js';

const REGISTER = 'mutation ($component: String!, $config: JSON) { registerTrigger(component: $component, config: $config) { trigger { id component config status } inboundUrl signingSecret } }';
const EVENTS = 'subscription ($triggerId: ID) { triggerEvents(triggerId: $triggerId) { id triggerId component payload } }';
const PAGE_EVENTS = 'query ($triggerId: ID) { triggerEvents(triggerId: $triggerId) { events { id triggerId payload } } }';
const OTHER_DATABASE = '00000000-0000-4000-8000-000000000000';
const COMPONENTS = ['notion.pageCreated', 'notion.pageUpdated', 'notion.commentCreated'];

let server: TestServer;
let fake: FakeNotion;
let admin: TestUser;
let teamId: string;

const manage = (query: string, variables: Record<string, unknown>) => server.graphql<Record<string, any>>(query, variables, { cookie: admin.cookie });

async function connect(name = 'Notion'): Promise<string> {
  const created = await manage('mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', { input: { teamId, app: 'notion', name, credentials: { token: fake.token } } });
  expect(created.errors).toBeUndefined();
  return created.data!.createConnection.id;
}

async function connectionFields(id: string) {
  const team = await manage('query ($id: ID!) { team(id: $id) { connections { id app { key } webhookUrl webhookVerified } } }', { id: teamId });
  return team.data!.team.connections.find((connection: { id: string }) => connection.id === id);
}

async function register(secret: string, component: string, config: unknown = {}) {
  const result = await withKey(server, secret)(REGISTER, { component, config });
  expect(result.errors).toBeUndefined();
  return result.data!.registerTrigger.trigger as { id: string; component: string };
}

const events = async (secret: string, triggerId: string) => (await withKey(server, secret)(PAGE_EVENTS, { triggerId })).data!.triggerEvents.events as { id: string; payload: any }[];
const page = (parent = fake.databaseId) => ({ entity: { id: fake.pageId, type: 'page' }, data: { parent: { id: parent, type: 'database' } } });

beforeAll(async () => {
  fake = await startFakeNotion();
  server = await startTestServer({ notionApiUrl: fake.url });
  admin = await server.signUp();
  teamId = await createTeam(server, admin);
});
afterAll(async () => {
  await server.close();
  await fake.close();
});

describe('Notion triggers: POST /webhooks/notion/:connectionId', () => {
  it('shows the webhook URL, stores the handshake (visible only as webhookVerified) and fires nothing for it', async () => {
    const connectionId = await connect();
    const url = `${server.url}/webhooks/notion/${connectionId}`;
    expect(await connectionFields(connectionId)).toEqual({ id: connectionId, app: { key: 'notion' }, webhookUrl: url, webhookVerified: false });
    const key = await createKey(server, admin, teamId, { apps: [{ app: 'notion', connectionId, components: COMPONENTS }] });
    const trigger = await register(key.secret, 'notion.pageCreated');

    const { status, verificationToken } = await fake.sendVerification(url);
    expect(status).toBe(200);
    expect(await connectionFields(connectionId)).toMatchObject({ webhookVerified: true });
    const row = await server.latchkey.services.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(row.webhookTokenCiphertext).toBeTruthy();
    expect(JSON.stringify(row)).not.toContain(verificationToken);
    const everything = await manage('query ($id: ID!) { team(id: $id) { connections { id name webhookUrl webhookVerified } } }', { id: teamId });
    expect(JSON.stringify(everything)).not.toContain(verificationToken);
    expect(await events(key.secret, trigger.id)).toEqual([]);

    // Notion repeating the same handshake is acknowledged; an unsigned one with another token is not.
    expect((await fake.sendVerification(url, verificationToken)).status).toBe(200);
    expect((await fake.sendVerification(url, 'secret_attacker')).status).toBe(401);
  });

  it('routes a signed delivery to the matching ACTIVE triggers only, over a subscription', async () => {
    const connectionId = await connect();
    const url = `${server.url}/webhooks/notion/${connectionId}`;
    const key = await createKey(server, admin, teamId, { apps: [{ app: 'notion', connectionId, components: COMPONENTS }] });
    const created = await register(key.secret, 'notion.pageCreated');
    const updated = await register(key.secret, 'notion.pageUpdated');
    const comments = await register(key.secret, 'notion.commentCreated');
    const { verificationToken } = await fake.sendVerification(url);

    const subscription = subscribe(server, key.secret, EVENTS, {});
    await subscribers(server, 1);
    const delivered = await fake.deliver(url, verificationToken, { type: 'page.created', ...page() });
    expect(delivered.status).toBe(200);
    await subscription.until(() => subscription.items.length === 1);
    const sent = JSON.parse(delivered.body);
    expect(subscription.items[0]).toEqual({
      id: expect.any(String),
      triggerId: created.id,
      component: 'notion.pageCreated',
      payload: { type: 'page.created', entity: { id: fake.pageId, type: 'page' }, data: sent.data, timestamp: sent.timestamp },
    });

    expect((await fake.deliver(url, verificationToken, { type: 'page.properties_updated', ...page() })).status).toBe(200);
    expect((await fake.deliver(url, verificationToken, { type: 'page.content_updated', ...page() })).status).toBe(200);
    expect((await fake.deliver(url, verificationToken, { type: 'comment.created', entity: { id: 'c1', type: 'comment' }, data: { page_id: fake.pageId } })).status).toBe(200);
    expect((await fake.deliver(url, verificationToken, { type: 'page.deleted', ...page() })).status).toBe(200);
    await subscription.until(() => subscription.items.length === 4);
    expect(subscription.items.map((item) => [item.triggerId, item.payload.type])).toEqual([
      [created.id, 'page.created'],
      [updated.id, 'page.properties_updated'],
      [updated.id, 'page.content_updated'],
      [comments.id, 'comment.created'],
    ]);
    await subscription.close();
    await subscribers(server, 0);
  });

  it('refuses a wrong or missing signature with 401, and any delivery before the handshake', async () => {
    const connectionId = await connect();
    const url = `${server.url}/webhooks/notion/${connectionId}`;
    const key = await createKey(server, admin, teamId, { apps: [{ app: 'notion', connectionId, components: COMPONENTS }] });
    const trigger = await register(key.secret, 'notion.pageCreated');

    expect((await fake.deliver(url, 'secret_guess', { type: 'page.created', ...page() })).status).toBe(401);
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'evt_x', type: 'page.created', ...page() }) });
    expect(unsigned.status).toBe(401);
    expect(await connectionFields(connectionId)).toMatchObject({ webhookVerified: false });

    const { verificationToken } = await fake.sendVerification(url);
    expect((await fake.deliver(url, 'secret_guess', { type: 'page.created', ...page() })).status).toBe(401);
    const body = JSON.stringify({ id: 'evt_y', type: 'page.created', timestamp: new Date().toISOString(), ...page() });
    const sign = (text: string) => `sha256=${createHmac('sha256', verificationToken).update(text).digest('hex')}`;
    const post = (text: string, signature?: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-notion-signature': signature } : {}) }, body: text });
    expect((await post(body)).status).toBe(401);
    expect((await post(body, sign(body).slice('sha256='.length))).status).toBe(401);
    expect((await post(body.replace('evt_y', 'evt_z'), sign(body))).status).toBe(401);
    expect((await post('{not json', sign('{not json'))).status).toBe(400);
    expect(await events(key.secret, trigger.id)).toEqual([]);
    expect((await post(body, sign(body))).status).toBe(200);
    expect(await events(key.secret, trigger.id)).toHaveLength(1);
  });

  it('stores a redelivery (same event id) once, answering 200 again', async () => {
    const connectionId = await connect();
    const url = `${server.url}/webhooks/notion/${connectionId}`;
    const key = await createKey(server, admin, teamId, { apps: [{ app: 'notion', connectionId, components: COMPONENTS }] });
    const trigger = await register(key.secret, 'notion.pageCreated');
    const { verificationToken } = await fake.sendVerification(url);
    const body = JSON.stringify({ id: 'evt_same', type: 'page.created', timestamp: new Date().toISOString(), attempt_number: 1, ...page() });
    const signature = `sha256=${createHmac('sha256', verificationToken).update(body).digest('hex')}`;
    const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-notion-signature': signature }, body });
    const first = await post();
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ duplicate: false });
    const again = await post();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(await events(key.secret, trigger.id)).toHaveLength(1);
  });

  it('answers 404 for an unknown or non-Notion connection, 413 over 1 MiB', async () => {
    expect((await fake.sendVerification(`${server.url}/webhooks/notion/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await fake.sendVerification(`${server.url}/webhooks/notion/not-a-connection`)).status).toBe(404);
    const connectionId = await connect();
    const big = await fetch(`${server.url}/webhooks/notion/${connectionId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verification_token: 'x'.repeat(1024 * 1024 + 10) }) }).catch(() => null);
    if (big) expect(big.status).toBe(413);
    expect(await connectionFields(connectionId)).toMatchObject({ webhookVerified: false });
  });

  it('honours a databaseId filter against the event’s parent database', async () => {
    const connectionId = await connect();
    const url = `${server.url}/webhooks/notion/${connectionId}`;
    const key = await createKey(server, admin, teamId, { apps: [{ app: 'notion', connectionId, components: COMPONENTS }] });
    const filtered = await register(key.secret, 'notion.pageCreated', { databaseId: fake.databaseId });
    const everywhere = await register(key.secret, 'notion.pageCreated');
    const { verificationToken } = await fake.sendVerification(url);
    expect((await fake.deliver(url, verificationToken, { type: 'page.created', ...page(OTHER_DATABASE) })).status).toBe(200);
    expect((await fake.deliver(url, verificationToken, { type: 'page.created', ...page(fake.databaseId.replace(/-/g, '')) })).status).toBe(200);
    expect((await events(key.secret, filtered.id)).map((event) => event.payload.data.parent.id)).toEqual([fake.databaseId.replace(/-/g, '')]);
    expect(await events(key.secret, everywhere.id)).toHaveLength(2);
  });

  it('registers with the key’s Notion grant and a validated config, without calling Notion', async () => {
    const connectionId = await connect();
    const key = await createKey(server, admin, teamId, { apps: [{ app: 'notion', connectionId, components: COMPONENTS }] });
    const before = fake.requests.length;
    const trigger = await register(key.secret, 'notion.commentCreated', {});
    expect(trigger).toMatchObject({ component: 'notion.commentCreated' });
    expect(fake.requests.length).toBe(before);
    const bad = await withKey(server, key.secret)(REGISTER, { component: 'notion.pageCreated', config: { databaseId: 'nope' } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const extra = await withKey(server, key.secret)(REGISTER, { component: 'notion.pageCreated', config: { other: 1 } });
    expect(extra.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const recordsOnly = await createKey(server, admin, teamId);
    const ungranted = await withKey(server, recordsOnly.secret)(REGISTER, { component: 'notion.pageCreated', config: {} });
    expect(ungranted.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const row = await server.latchkey.services.prisma.trigger.findUniqueOrThrow({ where: { id: trigger.id } });
    expect(row.connectionId).toBe(connectionId);
  });

  it('accepts a new handshake only after an admin resets the webhook; members cannot', async () => {
    const connectionId = await connect('Notion resubscribed');
    const url = `${server.url}/webhooks/notion/${connectionId}`;
    const key = await createKey(server, admin, teamId, { apps: [{ app: 'notion', connectionId, components: COMPONENTS }] });
    const trigger = await register(key.secret, 'notion.pageCreated');
    const { verificationToken: first } = await fake.sendVerification(url);

    // The subscription is made again in Notion: its new, unsigned handshake is refused until a reset.
    expect((await fake.sendVerification(url, 'secret_second')).status).toBe(401);
    const RESET = 'mutation ($id: ID!) { resetConnectionWebhook(id: $id) { id webhookVerified } }';
    const member = await server.signUp();
    await addMember(server, teamId, member, 'MEMBER');
    const refused = await server.graphql(RESET, { id: connectionId }, { cookie: member.cookie });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const reset = await manage(RESET, { id: connectionId });
    expect(reset.data!.resetConnectionWebhook).toEqual({ id: connectionId, webhookVerified: false });
    // Until the new handshake, deliveries (even signed with the old token) are refused.
    expect((await fake.deliver(url, first, { type: 'page.created', ...page() })).status).toBe(401);

    const { verificationToken: second } = await fake.sendVerification(url);
    expect(await connectionFields(connectionId)).toMatchObject({ webhookVerified: true });
    expect((await fake.deliver(url, first, { type: 'page.created', ...page() })).status).toBe(401);
    expect((await fake.deliver(url, second, { type: 'page.created', ...page() })).status).toBe(200);
    expect(await events(key.secret, trigger.id)).toHaveLength(1);
    const audit = await manage('query ($id: ID!) { team(id: $id) { auditLog(first: 5) { entries { action targetId } } } }', { id: teamId });
    expect(audit.data!.team.auditLog.entries).toContainEqual({ action: 'connection.resetWebhook', targetId: connectionId });

    const foreign = await server.graphql(RESET, { id: connectionId }, { cookie: (await server.signUp()).cookie });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('has no webhook URL on a connection of another app', async () => {
    const team = await manage('query ($id: ID!) { team(id: $id) { connections { app { key } webhookUrl webhookVerified } } }', { id: teamId });
    for (const connection of team.data!.team.connections) if (connection.app.key !== 'notion') expect(connection.webhookUrl).toBeNull();
  });
});
