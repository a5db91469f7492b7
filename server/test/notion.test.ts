import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notion } from '../src/apps/notion/index.js';
import { ConnectionCheckError, type ActionDefinition } from '../src/catalog/define.js';
import { catalog } from '../src/catalog/registry.js';
import { validateAgainst } from '../src/catalog/validation.js';
import { loadConfig, type Config } from '../src/config.js';
import { actionFailure, directRunner } from './direct-run.js';
import { startFakeNotion, type FakeNotion } from './fakes/notion.js';
import { createKey, createTeam, RUN_ACTION, startTestServer, withKey, type TestServer, type TestUser } from './harness.js';

let fake: FakeNotion;
let config: Config;

beforeAll(async () => {
  fake = await startFakeNotion();
  config = loadConfig({ NODE_ENV: 'test', AUTH_SECRET: randomBytes(32).toString('base64url'), ENCRYPTION_KEY: randomBytes(32).toString('base64') }, { notionApiUrl: fake.url });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.setFailure(null);
  fake.setRetryAfter(1);
});

const action = (name: string) => notion.components.find((component) => component.name === name) as ActionDefinition;
const run = directRunner(notion, () => config, () => ({ token: fake.token }));
const failure = actionFailure;

const title = (text: string) => ({ Name: { title: [{ text: { content: text } }] } });
const paragraph = (text: string) => ({ object: 'block', type: 'paragraph', paragraph: { rich_text: [{ type: 'text', text: { content: text } }] } });

describe('notion schemas', () => {
  it('has strict JSON Schemas for the credentials, every input, config and output', () => {
    expect(validateAgainst(notion.connection!.credentialsSchema, { token: 'ntn_x' }, [])).toEqual([]);
    expect(validateAgainst(notion.connection!.credentialsSchema, {}, [])).toEqual([{ path: ['token'], message: expect.any(String) }]);
    for (const component of notion.components) {
      expect(() => validateAgainst(component.inputSchema, {}, [])).not.toThrow();
      expect(() => validateAgainst(component.outputSchema, {}, [])).not.toThrow();
    }
    const createPage = action('createPage').inputSchema;
    expect(validateAgainst(createPage, { parent: { databaseId: fake.databaseId, pageId: fake.pageId }, properties: {} }, ['input']).length).toBeGreaterThan(0);
    expect(validateAgainst(createPage, { parent: { databaseId: 'not-an-id' }, properties: {} }, ['input'])[0]?.path).toEqual(['input', 'parent', 'databaseId']);
    expect(validateAgainst(action('queryDatabase').inputSchema, { databaseId: fake.databaseId, first: 101 }, ['input'])[0]?.path).toEqual(['input', 'first']);
    const trigger = notion.components.find((component) => component.name === 'pageCreated')!;
    expect(validateAgainst(trigger.inputSchema, {}, ['config'])).toEqual([]);
    expect(validateAgainst(trigger.inputSchema, { databaseId: fake.databaseId }, ['config'])).toEqual([]);
  });
});

describe('notion connection check', () => {
  it('calls users/me with the token and Notion-Version, and grants read and write', async () => {
    expect(await notion.connection!.check({ token: fake.token }, { config, signal: new AbortController().signal })).toEqual({ permissions: ['read', 'write'] });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/users/me', headers: { authorization: `Bearer ${fake.token}`, 'notion-version': '2022-06-28' } });
  });

  it('refuses a bad token with ConnectionCheckError, without echoing it', async () => {
    const error = await notion.connection!.check({ token: 'ntn_wrong' }, { config, signal: new AbortController().signal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionCheckError);
    expect(error).toMatchObject({ status: 'REVOKED' });
    expect((error as Error).message).not.toContain('ntn_wrong');
  });
});

describe('notion actions against the fake Notion', () => {
  it('creates a page in a database and under a page, and appends blocks', async () => {
    const page = await run('createPage', { parent: { databaseId: fake.databaseId }, properties: title('Write the launch post'), children: [paragraph('Draft')] });
    expect(page).toEqual({ id: expect.any(String), url: expect.stringContaining('Write-the-launch-post') });
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/pages',
      headers: { 'content-type': 'application/json', 'notion-version': '2022-06-28' },
      body: { parent: { database_id: fake.databaseId }, properties: title('Write the launch post'), children: [paragraph('Draft')] },
    });
    const child = await run('createPage', { parent: { pageId: fake.pageId }, properties: { title: { title: [{ text: { content: 'Notes' } }] } } });
    expect(fake.requests.at(-1)!.body.parent).toEqual({ page_id: fake.pageId });

    const appended = await run('appendBlocks', { blockId: child.id, children: [paragraph('one'), paragraph('two')] });
    expect(appended.results).toHaveLength(2);
    expect(appended.results[0]).toMatchObject({ object: 'block', type: 'paragraph' });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'PATCH', path: `/v1/blocks/${child.id}/children` });
  });

  it('queries a database a page at a time with filter, sorts and cursors', async () => {
    for (const name of ['Alpha task', 'Beta task', 'Gamma task', 'Other']) await run('createPage', { parent: { databaseId: fake.databaseId }, properties: title(name) });
    const filter = { property: 'Name', title: { contains: 'task' } };
    const sorts = [{ timestamp: 'created_time', direction: 'ascending' }];
    const first = await run('queryDatabase', { databaseId: fake.databaseId, filter, sorts, first: 2 });
    expect(fake.requests.at(-1)!.body).toEqual({ filter, sorts, page_size: 2 });
    expect(first).toMatchObject({ hasMore: true, nextCursor: expect.any(String) });
    const second = await run('queryDatabase', { databaseId: fake.databaseId, filter, sorts, first: 2, after: first.nextCursor });
    expect(fake.requests.at(-1)!.body.start_cursor).toBe(first.nextCursor);
    expect(second).toMatchObject({ hasMore: false, nextCursor: null });
    const names = [...first.results, ...second.results].map((page: any) => page.properties.Name.title[0].text.content);
    expect(names.filter((name: string) => name !== 'Write the launch post')).toEqual(['Alpha task', 'Beta task', 'Gamma task']);
  });

  it("maps Notion's errors: validation to PROVIDER_ERROR with its message, missing objects to NOT_FOUND, restricted to CONNECTION_INVALID", async () => {
    const invalid = await failure(run('createPage', { parent: { databaseId: fake.databaseId }, properties: { Nope: { rich_text: [] } } }));
    expect(invalid).toMatchObject({ code: 'PROVIDER_ERROR', message: 'Notion: Nope is not a property that exists.' });
    const missing = await failure(run('appendBlocks', { blockId: randomUUIDLike(), children: [paragraph('x')] }));
    expect(missing.code).toBe('NOT_FOUND');
    expect((await failure(run('queryDatabase', { databaseId: randomUUIDLike() }))).code).toBe('NOT_FOUND');
    fake.setFailure('restricted');
    expect(await failure(run('queryDatabase', { databaseId: fake.databaseId }))).toMatchObject({ code: 'CONNECTION_INVALID', details: { connectionStatus: 'ERROR' } });
    fake.setFailure('validation');
    expect(await failure(run('createPage', { parent: { databaseId: fake.databaseId }, properties: title('x') }))).toMatchObject({
      code: 'PROVIDER_ERROR',
      message: 'Notion: body failed validation: body.properties.Name.title should be an array.',
    });
  });

  it('fails with CONNECTION_INVALID and marks the connection REVOKED when Notion refuses the token', async () => {
    const token = fake.addToken();
    fake.revoke(token);
    const revoked = await failure(run('queryDatabase', { databaseId: fake.databaseId }, { credentials: { token } }));
    expect(revoked).toMatchObject({ code: 'CONNECTION_INVALID', details: { connectionStatus: 'REVOKED' } });
    expect(revoked.message).not.toContain(token);
  });

  it('waits out one rate limit when Retry-After fits, and otherwise fails with PROVIDER_ERROR and the retry time', async () => {
    fake.setFailure('rateLimited', 1);
    const before = fake.requests.length;
    const started = Date.now();
    const page = await run('createPage', { parent: { pageId: fake.pageId }, properties: {} });
    expect(page.id).toEqual(expect.any(String));
    expect(fake.requests.length - before).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    fake.setFailure('rateLimited', 2);
    const twice = await failure(run('queryDatabase', { databaseId: fake.databaseId }));
    expect(twice).toMatchObject({ code: 'PROVIDER_ERROR', details: { retryAfterSeconds: 1 } });

    fake.setFailure('rateLimited');
    fake.setRetryAfter(120);
    const tooLong = await failure(run('queryDatabase', { databaseId: fake.databaseId }));
    expect(tooLong).toMatchObject({ code: 'PROVIDER_ERROR', message: "Notion's rate limit was reached; retry in 120 seconds.", details: { retryAfterSeconds: 120 } });
  });

  it('gives up with TIMEOUT when the run is aborted while Notion hangs or while waiting out a rate limit', async () => {
    fake.setFailure('hang');
    expect((await failure(run('appendBlocks', { blockId: fake.pageId, children: [paragraph('x')] }, { signal: AbortSignal.timeout(300) }))).code).toBe('TIMEOUT');
    fake.setFailure('rateLimited');
    fake.setRetryAfter(5);
    const started = Date.now();
    expect((await failure(run('queryDatabase', { databaseId: fake.databaseId }, { signal: AbortSignal.timeout(300) }))).code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('insists on the Notion-Version header, as Notion does', async () => {
    const response = await fetch(`${fake.url}/v1/users/me`, { headers: { authorization: `Bearer ${fake.token}` } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ object: 'error', status: 400, code: 'missing_version' });
  });
});

describe("the fake Notion's webhooks (for the Notion triggers)", () => {
  it('sends the verification token first, then events signed with it the way Notion does', async () => {
    const received: { headers: Record<string, unknown>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/notion/c1`;
      const { verificationToken } = await fake.sendVerification(url);
      expect(JSON.parse(received[0]!.body)).toEqual({ verification_token: verificationToken });
      const delivery = await fake.deliver(url, verificationToken, { type: 'page.created', entity: { id: fake.pageId, type: 'page' }, data: { parent: { id: fake.databaseId, type: 'database' } } });
      expect(delivery.status).toBe(200);
      expect(received[1]!.body).toBe(delivery.body);
      expect(received[1]!.headers['x-notion-signature']).toBe(`sha256=${createHmac('sha256', verificationToken).update(delivery.body).digest('hex')}`);
      expect(JSON.parse(delivery.body)).toMatchObject({ id: expect.any(String), type: 'page.created', entity: { id: fake.pageId, type: 'page' }, timestamp: expect.any(String) });
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

describe('notion through runAction, with a real key and connection', () => {
  let server: TestServer;
  let admin: TestUser;
  let teamId: string;
  let connectionId: string;
  let run: (component: string, input: unknown) => Promise<any>;

  const manage = (query: string, variables: Record<string, unknown>) => server.graphql(query, variables, { cookie: admin.cookie });
  const connect = (credentials: unknown, name = 'Notion') =>
    manage('mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id status grantedPermissions } }', { input: { teamId, app: 'notion', name, credentials } });
  const connectionStatus = async (id: string) => {
    const team = await manage('query ($id: ID!) { team(id: $id) { connections { id status lastError } } }', { id: teamId });
    return team.data!.team.connections.find((connection: { id: string }) => connection.id === id);
  };
  const keyFor = async (connection: string, components: string[]) => {
    const key = await createKey(server, admin, teamId, { apps: [{ app: 'notion', connectionId: connection, components }] });
    return async (component: string, input: unknown) => {
      const result = await withKey(server, key.secret)(RUN_ACTION, { component, input });
      return result.data?.runAction ?? result;
    };
  };

  beforeAll(async () => {
    server = await startTestServer({ notionApiUrl: fake.url });
    admin = await server.signUp();
    teamId = await createTeam(server, admin);
    const created = await connect({ token: fake.token });
    expect(created.data?.createConnection).toMatchObject({ status: 'ACTIVE', grantedPermissions: ['read', 'write'] });
    connectionId = created.data!.createConnection.id;
    run = await keyFor(connectionId, ['notion.createPage', 'notion.queryDatabase', 'notion.appendBlocks']);
  });
  afterAll(() => server?.close());

  it('creates a page, appends to it and queries the database through the granted connection', async () => {
    const created = await run('notion.createPage', { parent: { databaseId: fake.databaseId }, properties: title('From a key') });
    expect(created).toMatchObject({ component: 'notion.createPage', status: 'SUCCEEDED', error: null, output: { id: expect.any(String), url: expect.stringContaining('From-a-key') } });
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${fake.token}`);
    const appended = await run('notion.appendBlocks', { blockId: created.output.id, children: [paragraph('hello')] });
    expect(appended.output.results).toHaveLength(1);
    const queried = await run('notion.queryDatabase', { databaseId: fake.databaseId, filter: { property: 'Name', title: { contains: 'from a key' } } });
    expect(queried.output).toMatchObject({ hasMore: false, nextCursor: null, results: [{ id: created.output.id }] });
  });

  it('refuses input that breaks the schema with BAD_USER_INPUT, without calling Notion', async () => {
    const before = fake.requests.length;
    const refused = await run('notion.createPage', { parent: { somewhere: 'else' }, properties: 'nope' });
    expect(refused.status).toBe(400);
    expect(refused.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(refused.errors[0].extensions.issues.map((issue: { path: string[] }) => issue.path.join('.'))).toEqual(expect.arrayContaining(['input.properties']));
    const tooMany = await run('notion.queryDatabase', { databaseId: fake.databaseId, first: 500 });
    expect(tooMany.errors[0].extensions.issues[0].path).toEqual(['input', 'first']);
    expect(fake.requests.length).toBe(before);
  });

  it("fails the run with Notion's error: validation as PROVIDER_ERROR, a missing page as NOT_FOUND", async () => {
    const invalid = await run('notion.createPage', { parent: { databaseId: fake.databaseId }, properties: { Missing: { rich_text: [] } } });
    expect(invalid).toMatchObject({ status: 'FAILED', error: { code: 'PROVIDER_ERROR', message: 'Notion: Missing is not a property that exists.' } });
    const missing = await run('notion.appendBlocks', { blockId: randomUUIDLike(), children: [paragraph('x')] });
    expect(missing).toMatchObject({ status: 'FAILED', error: { code: 'NOT_FOUND' } });
  });

  it('fails the run with PROVIDER_ERROR and the retry time when Notion rate-limits for longer than the run may wait', async () => {
    fake.setFailure('rateLimited');
    fake.setRetryAfter(90);
    const limited = await run('notion.queryDatabase', { databaseId: fake.databaseId });
    expect(limited).toMatchObject({ status: 'FAILED', error: { code: 'PROVIDER_ERROR', message: "Notion's rate limit was reached; retry in 90 seconds." } });
    fake.setFailure('rateLimited', 1);
    fake.setRetryAfter(1);
    expect((await run('notion.queryDatabase', { databaseId: fake.databaseId })).status).toBe('SUCCEEDED');
  });

  it('fails the run with TIMEOUT when Notion does not answer in time', async () => {
    // The component's own timeout is 20 s; a shorter one keeps the test fast.
    const component = catalog.component('notion.queryDatabase') as ActionDefinition;
    const timeoutMs = component.timeoutMs;
    component.timeoutMs = 500;
    try {
      fake.setFailure('hang');
      expect(await run('notion.queryDatabase', { databaseId: fake.databaseId })).toMatchObject({ status: 'FAILED', error: { code: 'TIMEOUT' } });
    } finally {
      component.timeoutMs = timeoutMs;
    }
  });

  it('marks the connection REVOKED when Notion refuses its token, and ERROR when a resource is restricted', async () => {
    const revokedToken = fake.addToken();
    const revoked = (await connect({ token: revokedToken }, 'To revoke')).data!.createConnection.id;
    const runRevoked = await keyFor(revoked, ['notion.queryDatabase']);
    fake.revoke(revokedToken);
    const refused = await runRevoked('notion.queryDatabase', { databaseId: fake.databaseId });
    expect(refused).toMatchObject({ status: 'FAILED', error: { code: 'CONNECTION_INVALID' } });
    expect(refused.error.message).not.toContain(revokedToken);
    expect((await connectionStatus(revoked)).status).toBe('REVOKED');

    const restricted = (await connect({ token: fake.addToken() }, 'Restricted')).data!.createConnection.id;
    const runRestricted = await keyFor(restricted, ['notion.createPage']);
    fake.setFailure('restricted', 1);
    expect(await runRestricted('notion.createPage', { parent: { pageId: fake.pageId }, properties: {} })).toMatchObject({ status: 'FAILED', error: { code: 'CONNECTION_INVALID' } });
    expect((await connectionStatus(restricted)).status).toBe('ERROR');
    expect((await connectionStatus(connectionId)).status).toBe('ACTIVE');
  });

  it('refuses a token Notion does not accept when the connection is created', async () => {
    const refused = await connect({ token: 'ntn_not_valid' }, 'Wrong');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONNECTION_INVALID' });
    expect(JSON.stringify(refused)).not.toContain('ntn_not_valid');
    expect(server.logs.text).not.toContain(fake.token);
  });
});

function randomUUIDLike(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}
