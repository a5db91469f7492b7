import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_RECORDS, createKey, createTeam, RUN_ACTION, startTestServer, withKey, type TestKey, type TestServer, type TestUser } from './harness.js';

const RECORD_TRIGGERS = ['records.created', 'records.updated', 'records.deleted'];
const REGISTER = 'mutation ($component: String!, $config: JSON) { registerTrigger(component: $component, config: $config) { trigger { id component config status createdAt lastEventAt } inboundUrl signingSecret } }';
const REMOVE = 'mutation ($id: ID!) { removeTrigger(id: $id) }';
const TRIGGERS = '{ triggers { id component config status } }';

let server: TestServer;
let admin: TestUser;
let teamId: string;
let key: TestKey;
let other: TestKey;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.signUp();
  teamId = await createTeam(server, admin);
  key = await createKey(server, admin, teamId, { apps: [{ app: 'records', components: [...ALL_RECORDS, ...RECORD_TRIGGERS] }] });
  other = await createKey(server, admin, teamId, { apps: [{ app: 'records', components: [...ALL_RECORDS, ...RECORD_TRIGGERS] }] });
});
afterAll(() => server.close());

const manage = (query: string, variables: Record<string, unknown>) => server.graphql(query, variables, { cookie: admin.cookie });

describe('registerTrigger, triggers, removeTrigger', () => {
  it("registers a records trigger, lists only this key's triggers, and removes it", async () => {
    const registered = await withKey(server, key.secret)(REGISTER, { component: 'records.created', config: { collection: 'orders' } });
    expect(registered.errors).toBeUndefined();
    const { trigger, inboundUrl, signingSecret } = registered.data!.registerTrigger;
    expect(trigger).toMatchObject({ component: 'records.created', config: { collection: 'orders' }, status: 'ACTIVE', lastEventAt: null });
    expect(inboundUrl).toBeNull();
    expect(signingSecret).toBeNull();

    await withKey(server, other.secret)(REGISTER, { component: 'records.updated', config: { collection: 'orders' } });
    expect((await withKey(server, key.secret)(TRIGGERS)).data?.triggers).toEqual([{ id: trigger.id, component: 'records.created', config: { collection: 'orders' }, status: 'ACTIVE' }]);
    expect((await withKey(server, other.secret)(TRIGGERS)).data?.triggers.map((t: { component: string }) => t.component)).toEqual(['records.updated']);

    // Another key's trigger does not exist for this key.
    const foreign = await withKey(server, other.secret)(REMOVE, { id: trigger.id });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await withKey(server, key.secret)(REMOVE, { id: trigger.id })).data?.removeTrigger).toBe(trigger.id);
    expect((await withKey(server, key.secret)(REMOVE, { id: trigger.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await withKey(server, key.secret)(TRIGGERS)).data?.triggers).toEqual([]);
  });

  it('shows triggers to the console on the key and on the team', async () => {
    const registered = await withKey(server, key.secret)(REGISTER, { component: 'records.deleted', config: { collection: 'console' } });
    const id = registered.data!.registerTrigger.trigger.id;
    const result = await manage('query ($team: ID!, $key: ID!) { team(id: $team) { triggers { id } apiKey(id: $key) { triggers { id component } } } }', { team: teamId, key: key.id });
    expect(result.data?.team.apiKey.triggers).toEqual([{ id, component: 'records.deleted' }]);
    expect(result.data?.team.triggers.map((t: { id: string }) => t.id)).toContain(id);
    await withKey(server, key.secret)(REMOVE, { id });
  });

  it('validates the config against the trigger component, with issue paths', async () => {
    const missing = await withKey(server, key.secret)(REGISTER, { component: 'records.created', config: {} });
    expect(missing.status).toBe(400);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['config', 'collection'] }] });
    const noConfig = await withKey(server, key.secret)(REGISTER, { component: 'records.created' });
    expect(noConfig.errors?.[0]?.extensions?.issues).toEqual([expect.objectContaining({ path: ['config', 'collection'] })]);
    const bad = await withKey(server, key.secret)(REGISTER, { component: 'records.created', config: { collection: 'no spaces allowed', extra: 1 } });
    const paths = (bad.errors?.[0]?.extensions?.issues as { path: string[] }[]).map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual(['config.collection', 'config.extra']);
    const action = await withKey(server, key.secret)(REGISTER, { component: 'records.create', config: { collection: 'x' } });
    expect(action.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['component'] }] });
  });

  it('needs WRITE to register, READ to list, DELETE to remove, and the trigger granted', async () => {
    const readOnly = await createKey(server, admin, teamId, { scopes: ['READ'], apps: [{ app: 'records', components: RECORD_TRIGGERS }] });
    const writeOnly = await createKey(server, admin, teamId, { scopes: ['WRITE'], apps: [{ app: 'records', components: RECORD_TRIGGERS }] });
    const actionsOnly = await createKey(server, admin, teamId, { apps: [{ app: 'records', components: ALL_RECORDS }] });
    expect((await withKey(server, readOnly.secret)(REGISTER, { component: 'records.created', config: { collection: 'c' } })).errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'MISSING_SCOPE',
      requiredScope: 'WRITE',
    });
    expect((await withKey(server, writeOnly.secret)(REGISTER, { component: 'records.created', config: { collection: 'c' } })).errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'MISSING_SCOPE',
      requiredScope: 'READ',
    });
    expect((await withKey(server, actionsOnly.secret)(REGISTER, { component: 'records.created', config: { collection: 'c' } })).errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'COMPONENT_NOT_GRANTED',
    });
    const id = (await withKey(server, key.secret)(REGISTER, { component: 'records.created', config: { collection: 'c' } })).data!.registerTrigger.trigger.id;
    expect((await withKey(server, writeOnly.secret)(TRIGGERS)).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'READ' });
    expect((await withKey(server, readOnly.secret)(REMOVE, { id })).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'DELETE' });
    await withKey(server, key.secret)(REMOVE, { id });
  });

  it('refuses a Notion trigger whose grant has no usable connection, saving nothing', async () => {
    const notionKey = await createKey(server, admin, teamId, { apps: [{ app: 'records', components: ['records.get'] }] });
    // Granted directly, without the connection a Notion grant needs.
    await server.latchkey.services.prisma.keyGrant.create({ data: { apiKeyId: notionKey.id, app: 'notion', components: ['notion.pageCreated'] } });
    const result = await withKey(server, notionKey.secret)(REGISTER, { component: 'notion.pageCreated', config: {} });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONNECTION_INVALID' });
    expect(await server.latchkey.services.prisma.trigger.count({ where: { apiKeyId: notionKey.id } })).toBe(0);
  });
});

describe("a key's triggers go with it", () => {
  const registerOn = async (secret: string) => (await withKey(server, secret)(REGISTER, { component: 'records.created', config: { collection: 'c' } })).data!.registerTrigger.trigger.id as string;
  const triggerCount = (apiKeyId: string) => server.latchkey.services.prisma.trigger.count({ where: { apiKeyId } });
  const auditDetails = async (action: string, targetId: string) => {
    const entry = await server.latchkey.services.prisma.auditEntry.findFirst({ where: { action, targetId }, orderBy: { createdAt: 'desc' } });
    return entry?.details as Record<string, unknown>;
  };

  it('revoking a key removes its triggers, in the audit entry too', async () => {
    const doomed = await createKey(server, admin, teamId, { apps: [{ app: 'records', components: RECORD_TRIGGERS }] });
    const id = await registerOn(doomed.secret);
    await manage('mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id: doomed.id });
    expect(await triggerCount(doomed.id)).toBe(0);
    expect(await auditDetails('apiKey.revoke', doomed.id)).toMatchObject({ removedTriggers: [{ id, component: 'records.created' }] });
  });

  it('deleting a key removes its triggers and their events', async () => {
    const doomed = await createKey(server, admin, teamId, { apps: [{ app: 'records', components: [...ALL_RECORDS, ...RECORD_TRIGGERS] }] });
    const id = await registerOn(doomed.secret);
    await withKey(server, doomed.secret)(RUN_ACTION, { component: 'records.create', input: { collection: 'c', data: {} } });
    expect(await server.latchkey.services.prisma.triggerEvent.count({ where: { triggerId: id } })).toBe(1);
    await manage('mutation ($id: ID!) { deleteApiKey(id: $id) }', { id: doomed.id });
    expect(await server.latchkey.services.prisma.trigger.count({ where: { id } })).toBe(0);
    expect(await server.latchkey.services.prisma.triggerEvent.count({ where: { triggerId: id } })).toBe(0);
    expect(await auditDetails('apiKey.delete', doomed.id)).toMatchObject({ removedTriggers: [{ id, component: 'records.created' }] });
  });

  it("removing the records app from a key's grants removes its records triggers", async () => {
    const changed = await createKey(server, admin, teamId, { apps: [{ app: 'records', components: RECORD_TRIGGERS }] });
    const id = await registerOn(changed.secret);
    const kept = await manage('mutation ($id: ID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { id } }', {
      id: changed.id,
      input: { apps: [{ app: 'records', components: RECORD_TRIGGERS }], name: 'renamed' },
    });
    expect(kept.errors).toBeUndefined();
    expect(await triggerCount(changed.id)).toBe(1);
    const updated = await manage('mutation ($id: ID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { id } }', { id: changed.id, input: { apps: [] } });
    expect(updated.errors).toBeUndefined();
    expect(await triggerCount(changed.id)).toBe(0);
    expect(await auditDetails('apiKey.update', changed.id)).toMatchObject({ removedTriggers: [{ id, component: 'records.created' }] });
  });
});
