import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../src/keys/format.js';
import { ALL_RECORDS, createKey, createTeam, RUN_ACTION, startTestServer, withKey, type TestKey, type TestServer, type TestUser } from './harness.js';

/**
 * Every field of server/schema.graphql that carries @apiKey is attacked here: the list of fields
 * comes from the schema itself, so a new runtime field without a case below fails this test.
 */
const sdl = readFileSync(fileURLToPath(new URL('../schema.graphql', import.meta.url)), 'utf8');
const schema = buildSchema(sdl);

interface RuntimeField {
  operation: 'query' | 'mutation';
  name: string;
  scope: string | null;
}

const runtimeFields: RuntimeField[] = (['query', 'mutation'] as const).flatMap((operation) => {
  const type = (operation === 'query' ? schema.getQueryType() : schema.getMutationType()) as GraphQLObjectType;
  return Object.values(type.getFields()).flatMap((field) => {
    const directive = field.astNode?.directives?.find((d) => d.name.value === 'apiKey');
    if (!directive) return [];
    const scope = directive.arguments?.find((a) => a.name.value === 'scope');
    return [{ operation, name: field.name, scope: scope ? (scope.value as { value: string }).value : null }];
  });
});

/** One request per runtime field, naming a component the test key holds (`records.create`, scope WRITE). */
const CASES: Record<string, { query: string; variables?: Record<string, unknown>; component?: string; componentScope?: string }> = {
  apiKeyInfo: { query: '{ apiKeyInfo { id teamId } }' },
  components: { query: '{ components { key } }' },
  component: { query: '{ component(key: "records.create") { key } }' },
  runAction: { query: RUN_ACTION, variables: { component: 'records.create', input: { collection: 'c', data: {} } }, component: 'records.create', componentScope: 'WRITE' },
  registerTrigger: {
    query: 'mutation ($component: String!, $config: JSON) { registerTrigger(component: $component, config: $config) { trigger { id } } }',
    variables: { component: 'records.created', config: { collection: 'c' } },
    component: 'records.created',
    componentScope: 'READ',
  },
  // The id of a trigger of the full key is filled in by beforeAll.
  removeTrigger: { query: 'mutation ($id: ID!) { removeTrigger(id: $id) }', variables: { id: '' } },
  triggers: { query: '{ triggers { id component } }' },
  triggerEvents: { query: '{ triggerEvents(first: 10) { events { id cursor } endCursor hasMore } }' },
};

let server: TestServer;
let admin: TestUser;
let teamId: string;
const keys: Record<string, TestKey> = {};

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.signUp();
  teamId = await createTeam(server, admin);
  keys.full = await createKey(server, admin, teamId, { apps: [{ app: 'records', components: [...ALL_RECORDS, 'records.created'] }] });
  keys.revoked = await createKey(server, admin, teamId);
  keys.expired = await createKey(server, admin, teamId, { expiresAt: new Date(Date.now() + 1500) });
  keys.readOnly = await createKey(server, admin, teamId, { scopes: ['READ'] });
  keys.writeOnly = await createKey(server, admin, teamId, { scopes: ['WRITE'] });
  keys.ungranted = await createKey(server, admin, teamId, { apps: [{ app: 'records', components: ['records.get'] }] });
  await server.graphql('mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id: keys.revoked!.id }, { cookie: admin.cookie });
  const registered = await withKey(server, keys.full.secret)(CASES.registerTrigger!.query, CASES.registerTrigger!.variables);
  CASES.removeTrigger!.variables = { id: registered.data?.registerTrigger.trigger.id };
  // Use the soon-expired key once so it sits in the verifier's cache when it expires.
  expect((await withKey(server, keys.expired!.secret)('{ apiKeyInfo { id } }')).data?.apiKeyInfo).toBeTruthy();
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1600)));
});
afterAll(() => server.close());

it('finds the runtime fields of the contract in the schema, each with a case', () => {
  expect(runtimeFields.map((field) => field.name).sort()).toEqual(expect.arrayContaining(['apiKeyInfo', 'component', 'components', 'runAction', 'registerTrigger', 'removeTrigger', 'triggers', 'triggerEvents']));
  for (const field of runtimeFields) expect(CASES[field.name], `no security case for @apiKey field ${field.name}`).toBeDefined();
});

const good = generateKey();
const badChecksum = good.slice(0, -1) + (good.at(-1) === 'A' ? 'B' : 'A');
const unauthenticated: [string, (k: typeof keys) => Record<string, string>][] = [
  ['no key', () => ({})],
  ['a malformed key', () => ({ authorization: 'Bearer lk_not-a-key' })],
  ['a key with a bad checksum', () => ({ authorization: `Bearer ${badChecksum}` })],
  ['an unknown key', () => ({ authorization: `Bearer ${generateKey()}` })],
  ['a revoked key', (k) => ({ authorization: `Bearer ${k.revoked!.secret}` })],
  ['an expired key', (k) => ({ authorization: `Bearer ${k.expired!.secret}` })],
  ['a session cookie instead of a key', () => ({ cookie: admin.cookie })],
];

describe.each(runtimeFields.map((field) => [field.name, field] as const))('@apiKey field %s', (name, field) => {
  const request = (headers: Record<string, string>) => server.graphql(CASES[name]!.query, CASES[name]!.variables, { headers });

  it.each(unauthenticated)('answers 401 UNAUTHENTICATED to %s', async (_label, headers) => {
    const result = await request(headers(keys));
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toBe('Bearer');
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Nothing is answered: no data, or only the nulled field of a nullable one.
    expect(Object.values(result.data ?? {}).every((value) => value === null)).toBe(true);
  });

  it('answers FORBIDDEN / MISSING_SCOPE to a key without the scope', async () => {
    const needed = field.scope ?? CASES[name]!.componentScope!;
    const lacking = needed === 'READ' ? keys.writeOnly! : keys.readOnly!;
    const result = await request({ authorization: `Bearer ${lacking.secret}` });
    expect(result.status).toBe(403);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'MISSING_SCOPE', requiredScope: needed });
  });

  it('answers with data to a key holding the scope and the grant', async () => {
    const result = await request({ authorization: `Bearer ${keys.full!.secret}` });
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
  });

  if (CASES[name]!.component) {
    it('answers FORBIDDEN / COMPONENT_NOT_GRANTED for a component the key was not granted, or that does not exist', async () => {
      const result = await request({ authorization: `Bearer ${keys.ungranted!.secret}` });
      expect(result.status).toBe(403);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'COMPONENT_NOT_GRANTED' });
      const unknown = await server.graphql(CASES[name]!.query, { ...CASES[name]!.variables, component: 'records.nope' }, { headers: { authorization: `Bearer ${keys.full!.secret}` } });
      expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'COMPONENT_NOT_GRANTED' });
    });
  }
});

describe('what a key can see', () => {
  it('lists and returns only granted components', async () => {
    const ask = withKey(server, keys.ungranted!.secret);
    expect((await ask('{ components { key } }')).data?.components).toEqual([{ key: 'records.get' }]);
    expect((await ask('{ component(key: "records.create") { key } }')).data?.component).toBeNull();
    expect((await ask('{ component(key: "records.get") { key app { key components { key } } } }')).data?.component).toEqual({
      key: 'records.get',
      app: { key: 'records', components: [{ key: 'records.get' }] },
    });
    expect((await ask('{ apiKeyInfo { apps { app { key } components { key } } } }')).data?.apiKeyInfo.apps).toEqual([
      { app: { key: 'records' }, components: [{ key: 'records.get' }] },
    ]);
  });

  it("never reaches another team's records, whatever id it names", async () => {
    const other = await server.signUp();
    const otherKey = await createKey(server, other, await createTeam(server, other));
    const created = await withKey(server, otherKey.secret)(RUN_ACTION, { component: 'records.create', input: { collection: 'x', data: { owner: 'B' } } });
    const id = created.data?.runAction.output.id;
    for (const [component, input] of [
      ['records.get', { collection: 'x', id }],
      ['records.update', { collection: 'x', id, data: {} }],
      ['records.delete', { collection: 'x', id }],
    ] as const) {
      const result = await withKey(server, keys.full!.secret)(RUN_ACTION, { component, input });
      expect(result.data?.runAction).toMatchObject({ status: 'FAILED', error: { code: 'NOT_FOUND' } });
    }
    const listed = await withKey(server, keys.full!.secret)(RUN_ACTION, { component: 'records.list', input: { collection: 'x' } });
    expect(listed.data?.runAction.output.records).toEqual([]);
    const info = await withKey(server, keys.full!.secret)('{ apiKeyInfo { teamId } }');
    expect(info.data?.apiKeyInfo.teamId).toBe(teamId);
  });

  it('accepts the key as WebSocket-style connection params only on the socket, and Bearer over HTTP', async () => {
    const lower = await server.graphql('{ apiKeyInfo { id } }', {}, { headers: { authorization: `bearer ${keys.full!.secret}` } });
    expect(lower.data?.apiKeyInfo.id).toBe(keys.full!.id);
    const noScheme = await server.graphql('{ apiKeyInfo { id } }', {}, { headers: { authorization: keys.full!.secret } });
    expect(noScheme.status).toBe(401);
  });
});
