import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notion } from '../src/apps/notion/index.js';
import { ActionError, ConnectionCheckError, type ActionContext, type ActionDefinition } from '../src/catalog/define.js';
import { validateAgainst } from '../src/catalog/validation.js';
import { loadConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startFakeNotion, type FakeNotion } from './fakes/notion.js';

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

/** Runs an action's handler directly, as the runner would, with the given credentials. */
async function run(name: string, input: unknown, options: { credentials?: unknown; signal?: AbortSignal } = {}) {
  const definition = action(name);
  const prepared = structuredClone(input);
  expect(validateAgainst(definition.inputSchema, prepared, ['input'])).toEqual([]);
  const context: ActionContext<unknown> = {
    input: prepared,
    teamId: 'team',
    apiKeyId: 'key',
    connection: { id: 'connection', credentials: options.credentials ?? { token: fake.token }, permissions: ['read', 'write'] },
    signal: options.signal ?? new AbortController().signal,
    prisma: undefined as never,
    log: createLogger('silent'),
    config,
  };
  const output = await definition.run(context);
  expect(validateAgainst(definition.outputSchema, structuredClone(output), ['output'])).toEqual([]);
  return output as any;
}

async function failure(promise: Promise<unknown>): Promise<ActionError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ActionError);
  return error as ActionError;
}

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

function randomUUIDLike(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}
