import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, parse, validate } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { linearRequest } from '../src/apps/linear/client.js';
import { linear } from '../src/apps/linear/index.js';
import { LINEAR_DOCUMENTS, WEBHOOK_CREATE, WEBHOOK_DELETE } from '../src/apps/linear/documents.js';
import { ConnectionCheckError, type ActionDefinition } from '../src/catalog/define.js';
import { catalog } from '../src/catalog/registry.js';
import { validateAgainst } from '../src/catalog/validation.js';
import { loadConfig, type Config } from '../src/config.js';
import { actionFailure, directRunner } from './direct-run.js';
import { startFakeLinear, type FakeLinear } from './fakes/linear.js';
import { createKey, createTeam, RUN_ACTION, startTestServer, withKey, type TestServer, type TestUser } from './harness.js';

let fake: FakeLinear;
let config: Config;

beforeAll(async () => {
  fake = await startFakeLinear();
  config = loadConfig({ NODE_ENV: 'test', AUTH_SECRET: randomBytes(32).toString('base64url'), ENCRYPTION_KEY: randomBytes(32).toString('base64') }, { linearApiUrl: fake.url });
});
afterAll(() => fake.close());
beforeEach(() => fake.setFailure(null));

const action = (name: string) => linear.components.find((component) => component.name === name) as ActionDefinition;
const run = directRunner(linear, () => config, () => ({ apiKey: fake.adminKey }));
const failure = actionFailure;

const check = (credentials: unknown) => linear.connection!.check(credentials, { config, signal: new AbortController().signal });

describe("Linear's schema", () => {
  it('accepts every document Latchkey sends to Linear', () => {
    const schema = buildSchema(readFileSync(new URL('./fakes/linear-api.graphql', import.meta.url), 'utf8'));
    for (const [name, document] of Object.entries(LINEAR_DOCUMENTS)) {
      expect(validate(schema, parse(document)).map((error) => error.message), name).toEqual([]);
    }
    // The check is real: a field Linear does not have is refused.
    expect(validate(schema, parse('{ viewer { id isAdmin } }')).length).toBeGreaterThan(0);
  });

  it('has strict JSON Schemas for the credentials, every input, config and output', () => {
    expect(validateAgainst(linear.connection!.credentialsSchema, { apiKey: 'lin_api_x' }, [])).toEqual([]);
    expect(validateAgainst(linear.connection!.credentialsSchema, { accessToken: 't', scopes: ['read'] }, [])).toEqual([]);
    expect(validateAgainst(linear.connection!.credentialsSchema, { accessToken: 't' }, []).length).toBeGreaterThan(0);
    expect(validateAgainst(linear.connection!.credentialsSchema, { apiKey: 'k', accessToken: 't', scopes: ['read'] }, []).length).toBeGreaterThan(0);
    for (const component of linear.components) {
      expect(() => validateAgainst(component.inputSchema, {}, [])).not.toThrow();
      expect(() => validateAgainst(component.outputSchema, {}, [])).not.toThrow();
    }
    expect(validateAgainst(action('createIssue').inputSchema, { teamId: 't', title: 'x', priority: 5 }, ['input'])).toEqual([{ path: ['input', 'priority'], message: expect.any(String) }]);
    expect(validateAgainst(action('searchIssues').inputSchema, { query: 'x', first: 51 }, ['input'])[0]?.path).toEqual(['input', 'first']);
    expect(linear.components.filter((component) => component.kind === 'TRIGGER').map((trigger) => [trigger.name, trigger.requiredPermissions])).toEqual([
      ['issueCreated', ['admin']],
      ['issueUpdated', ['admin']],
      ['commentCreated', ['admin']],
    ]);
  });
});

describe('linear connection check', () => {
  it("gives a personal key of an admin read, write and admin, and a member's key read and write", async () => {
    expect(await check({ apiKey: fake.adminKey })).toEqual({ permissions: ['read', 'write', 'admin'] });
    expect(await check({ apiKey: fake.memberKey })).toEqual({ permissions: ['read', 'write'] });
    const sent = fake.requests.at(-1)!;
    expect(sent.headers.authorization).toBe(fake.memberKey);
    expect(sent.query).toContain('viewer');
  });

  it('gives an OAuth token the scopes it was granted, sent as a Bearer token', async () => {
    const token = fake.addOAuthToken(['read']);
    expect(await check({ accessToken: token, scopes: ['read'] })).toEqual({ permissions: ['read'] });
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('refuses bad credentials with ConnectionCheckError, without echoing them', async () => {
    const error = await check({ apiKey: 'lin_api_wrong' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionCheckError);
    expect((error as ConnectionCheckError).status).toBe('REVOKED');
    expect((error as Error).message).not.toContain('lin_api_wrong');
    // An OAuth token sent as a personal key is not accepted either (Linear wants Bearer).
    const token = fake.addOAuthToken(['read', 'write']);
    await expect(check({ apiKey: token })).rejects.toBeInstanceOf(ConnectionCheckError);
    fake.setFailure('rateLimited');
    const limited = await check({ apiKey: fake.adminKey }).catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(ConnectionCheckError);
    expect((limited as ConnectionCheckError).status).toBe('ERROR');
  });
});

describe('linear actions against the fake Linear', () => {
  it('creates an issue, comments on it and finds it', async () => {
    const issue = await run('createIssue', { teamId: fake.team.id, title: 'Printer on fire', description: 'Third floor', priority: 1, labelIds: ['l1'] });
    expect(issue).toEqual({ id: expect.any(String), identifier: expect.stringMatching(/^ENG-\d+$/), title: 'Printer on fire', url: expect.stringContaining(issue.identifier) });
    expect(fake.issues.at(-1)).toMatchObject({ title: 'Printer on fire', description: 'Third floor', priority: 1, labelIds: ['l1'], teamId: fake.team.id });
    expect(fake.requests.at(-1)!.headers.authorization).toBe(fake.adminKey);

    const comment = await run('createComment', { issueId: issue.identifier, body: 'Extinguisher on the way' });
    expect(comment).toEqual({ id: expect.any(String), url: expect.stringContaining(issue.identifier) });
    expect(fake.comments.at(-1)).toMatchObject({ issueId: issue.id, body: 'Extinguisher on the way' });

    await run('createIssue', { teamId: fake.team.id, title: 'Unrelated' });
    const found = await run('searchIssues', { query: 'printer' });
    expect(found).toEqual({ issues: [issue] });
    expect(fake.requests.at(-1)!.variables).toEqual({ term: 'printer', first: 10 });
    expect((await run('searchIssues', { query: 'nothing like it' })).issues).toEqual([]);
  });

  it('works with an OAuth token that has write', async () => {
    const token = fake.addOAuthToken(['read', 'write']);
    const issue = await run('createIssue', { teamId: fake.team.id, title: 'Via OAuth' }, { credentials: { accessToken: token, scopes: ['read', 'write'] } });
    expect(issue.title).toBe('Via OAuth');
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${token}`);
  });

  it("fails with PROVIDER_ERROR and Linear's message when Linear refuses the input", async () => {
    const unknownTeam = await failure(run('createIssue', { teamId: 'no-such-team', title: 'x' }));
    expect(unknownTeam.code).toBe('PROVIDER_ERROR');
    expect(unknownTeam.message).toContain('Could not find referenced Team.');
    fake.setFailure('invalidInput');
    const invalid = await failure(run('createComment', { issueId: 'ENG-1', body: 'x' }));
    expect(invalid).toMatchObject({ code: 'PROVIDER_ERROR', message: 'Linear: title must be shorter than or equal to 255 characters', details: {} });
  });

  it('fails with CONNECTION_INVALID and marks the connection REVOKED when Linear refuses the credentials', async () => {
    const token = fake.addOAuthToken(['read', 'write']);
    fake.revoke(token);
    const revoked = await failure(run('searchIssues', { query: 'x' }, { credentials: { accessToken: token, scopes: ['read', 'write'] } }));
    expect(revoked).toMatchObject({ code: 'CONNECTION_INVALID', details: { connectionStatus: 'REVOKED' } });
    expect(revoked.message).not.toContain(token);
    fake.setFailure('unauthorized');
    expect(await failure(run('createIssue', { teamId: fake.team.id, title: 'x' }))).toMatchObject({ code: 'CONNECTION_INVALID', details: { connectionStatus: 'REVOKED' } });
  });

  it('fails with PROVIDER_ERROR carrying the retry time when Linear rate-limits (HTTP 429 or the RATELIMITED code)', async () => {
    for (const mode of ['rateLimited', 'rateLimited400'] as const) {
      fake.setFailure(mode);
      const limited = await failure(run('createIssue', { teamId: fake.team.id, title: 'x' }));
      expect(limited.code).toBe('PROVIDER_ERROR');
      expect(limited.details.retryAfterSeconds).toBeGreaterThanOrEqual(40);
      expect(limited.details.retryAfterSeconds).toBeLessThanOrEqual(42);
      expect(limited.message).toContain(`retry in ${limited.details.retryAfterSeconds} seconds`);
    }
  });

  it('gives up with TIMEOUT when the run is aborted while Linear hangs', async () => {
    fake.setFailure('hang');
    const started = Date.now();
    const timedOut = await failure(run('searchIssues', { query: 'slow' }, { signal: AbortSignal.timeout(300) }));
    expect(timedOut.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('sends only documents that the fake (and Linear) accept', async () => {
    const before = fake.requests.length;
    await run('searchIssues', { query: 'anything' });
    const response = await fetch(fake.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: fake.adminKey }, body: JSON.stringify({ query: '{ viewer { nope } }' }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(fake.requests.length).toBe(before + 2);
  });
});

describe("the fake Linear's webhooks (for the Linear triggers)", () => {
  it('creates webhooks for admins only, delivers signed events the way Linear does, and deletes them', async () => {
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
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/linear/t1`;
      const input = { url, teamId: fake.team.id, resourceTypes: ['Issue'], secret: 'lin_wh_test_secret', label: 'Latchkey' };
      const signal = new AbortController().signal;
      const refused = await linearRequest(config, { apiKey: fake.memberKey }, WEBHOOK_CREATE, { input }, signal).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringContaining('admin') });
      const created = await linearRequest<{ webhookCreate: { success: boolean; webhook: { id: string; enabled: boolean } } }>(config, { apiKey: fake.adminKey }, WEBHOOK_CREATE, { input }, signal);
      expect(created.webhookCreate).toMatchObject({ success: true, webhook: { enabled: true } });
      expect(fake.webhooks).toEqual([expect.objectContaining({ id: created.webhookCreate.webhook.id, url, teamId: fake.team.id, resourceTypes: ['Issue'] })]);

      const delivery = await fake.deliver(created.webhookCreate.webhook.id, { action: 'create', type: 'Issue', data: { id: 'i1', title: 'Hello' } });
      expect(delivery.status).toBe(200);
      const [event] = received;
      expect(event!.body).toBe(delivery.body);
      expect(event!.headers).toMatchObject({ 'linear-delivery': delivery.deliveryId, 'linear-event': 'Issue', 'linear-signature': createHmac('sha256', 'lin_wh_test_secret').update(event!.body).digest('hex') });
      expect(JSON.parse(event!.body)).toMatchObject({ action: 'create', type: 'Issue', data: { id: 'i1' }, webhookTimestamp: expect.any(Number) });

      const deleted = await linearRequest<{ webhookDelete: { success: boolean } }>(config, { apiKey: fake.adminKey }, WEBHOOK_DELETE, { id: created.webhookCreate.webhook.id }, signal);
      expect(deleted.webhookDelete.success).toBe(true);
      expect(fake.webhooks).toEqual([]);
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

describe('linear through runAction, with a real key and connection', () => {
  let server: TestServer;
  let admin: TestUser;
  let teamId: string;
  let connectionId: string;
  let runWith: (secret: string) => (component: string, input: unknown) => Promise<any>;
  let run: (component: string, input: unknown) => Promise<any>;

  const manage = (query: string, variables: Record<string, unknown>) => server.graphql(query, variables, { cookie: admin.cookie });
  const connect = (credentials: unknown, name = 'Linear') =>
    manage('mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id status grantedPermissions } }', { input: { teamId, app: 'linear', name, credentials } });
  const grantKey = (connection: string, components: string[]) =>
    manage('mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }', {
      input: { teamId, name: 'linear key', scopes: ['READ', 'WRITE'], apps: [{ app: 'linear', connectionId: connection, components }] },
    });
  const connectionStatus = async (id: string) => {
    const team = await manage('query ($id: ID!) { team(id: $id) { connections { id status lastError } } }', { id: teamId });
    return team.data!.team.connections.find((connection: { id: string }) => connection.id === id);
  };

  beforeAll(async () => {
    server = await startTestServer({ linearApiUrl: fake.url });
    admin = await server.signUp();
    teamId = await createTeam(server, admin);
    const created = await connect({ apiKey: fake.adminKey });
    expect(created.data?.createConnection).toMatchObject({ status: 'ACTIVE', grantedPermissions: ['read', 'write', 'admin'] });
    connectionId = created.data!.createConnection.id;
    const key = await createKey(server, admin, teamId, { apps: [{ app: 'linear', connectionId, components: ['linear.createIssue', 'linear.createComment', 'linear.searchIssues'] }] });
    runWith = (secret) => async (component, input) => {
      const result = await withKey(server, secret)(RUN_ACTION, { component, input });
      return result.data?.runAction ?? result;
    };
    run = runWith(key.secret);
  });
  afterAll(() => server?.close());

  it('creates an issue through the granted connection, with the stored personal key', async () => {
    const created = await run('linear.createIssue', { teamId: fake.team.id, title: 'Through Latchkey', priority: 2 });
    expect(created).toMatchObject({ component: 'linear.createIssue', status: 'SUCCEEDED', error: null });
    expect(created.output).toEqual({ id: expect.any(String), identifier: expect.stringMatching(/^ENG-/), title: 'Through Latchkey', url: expect.any(String) });
    expect(fake.requests.at(-1)!.headers.authorization).toBe(fake.adminKey);
    const found = await run('linear.searchIssues', { query: 'through latchkey' });
    expect(found.output.issues).toEqual([created.output]);
  });

  it('refuses input that breaks the schema with BAD_USER_INPUT, without calling Linear', async () => {
    const before = fake.requests.length;
    const refused = await run('linear.createIssue', { teamId: fake.team.id, title: '', priority: 9, extra: true });
    expect(refused.status).toBe(400);
    expect(refused.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(refused.errors[0].extensions.issues.map((issue: { path: string[] }) => issue.path.join('.'))).toEqual(expect.arrayContaining(['input.title', 'input.priority', 'input.extra']));
    expect(fake.requests.length).toBe(before);
  });

  it("fails the run with PROVIDER_ERROR and Linear's message when Linear refuses", async () => {
    const failed = await run('linear.createIssue', { teamId: 'no-such-team', title: 'x' });
    expect(failed).toMatchObject({ status: 'FAILED', output: null, error: { code: 'PROVIDER_ERROR', message: expect.stringContaining('Could not find referenced Team.') } });
  });

  it('fails the run with PROVIDER_ERROR and the retry time when Linear rate-limits', async () => {
    fake.setFailure('rateLimited');
    const limited = await run('linear.createComment', { issueId: 'ENG-1', body: 'x' });
    expect(limited).toMatchObject({ status: 'FAILED', error: { code: 'PROVIDER_ERROR', message: expect.stringMatching(/rate limit.*retry in \d+ seconds/) } });
    expect((await connectionStatus(connectionId)).status).toBe('ACTIVE');
  });

  it('fails the run with TIMEOUT when Linear does not answer in time', async () => {
    // The component's own timeout is 15 s; a shorter one keeps the test fast.
    const component = catalog.component('linear.searchIssues') as ActionDefinition;
    const timeoutMs = component.timeoutMs;
    component.timeoutMs = 500;
    try {
      fake.setFailure('hang');
      const timedOut = await run('linear.searchIssues', { query: 'slow' });
      expect(timedOut).toMatchObject({ status: 'FAILED', error: { code: 'TIMEOUT' } });
      expect(timedOut.durationMs).toBeLessThan(5_000);
    } finally {
      component.timeoutMs = timeoutMs;
    }
  });

  it('marks the connection REVOKED when Linear refuses its key, and later runs fail with CONNECTION_INVALID', async () => {
    const created = await connect({ apiKey: fake.memberKey }, 'Member key');
    const id = created.data!.createConnection.id;
    expect(created.data!.createConnection.grantedPermissions).toEqual(['read', 'write']);
    const granted = await grantKey(id, ['linear.searchIssues']);
    const runMember = runWith(granted.data!.createApiKey.secret);
    fake.setFailure('unauthorized');
    const refused = await runMember('linear.searchIssues', { query: 'x' });
    expect(refused).toMatchObject({ status: 'FAILED', error: { code: 'CONNECTION_INVALID' } });
    expect(refused.error.message).not.toContain(fake.memberKey);
    expect(await connectionStatus(id)).toMatchObject({ status: 'REVOKED', lastError: expect.any(String) });
    fake.setFailure(null);
    const before = fake.requests.length;
    expect((await runMember('linear.searchIssues', { query: 'x' })).error.code).toBe('CONNECTION_INVALID');
    expect(fake.requests.length).toBe(before);
    expect(JSON.stringify(await connectionStatus(id))).not.toContain(fake.memberKey);
  });

  it('will not grant write actions over an OAuth connection without write, nor triggers without admin', async () => {
    const readOnly = await connect({ accessToken: fake.addOAuthToken(['read']), scopes: ['read'] }, 'Read-only OAuth');
    expect(readOnly.data?.createConnection).toMatchObject({ status: 'ACTIVE', grantedPermissions: ['read'] });
    const refused = await grantKey(readOnly.data!.createConnection.id, ['linear.searchIssues', 'linear.createIssue']);
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONNECTION_INVALID', missingPermissions: ['write'] });
    expect((await grantKey(readOnly.data!.createConnection.id, ['linear.searchIssues'])).data?.createApiKey.secret).toMatch(/^lk_/);

    const member = await connect({ apiKey: fake.memberKey }, 'Member again');
    const noAdmin = await grantKey(member.data!.createConnection.id, ['linear.issueCreated']);
    expect(noAdmin.errors?.[0]?.extensions).toMatchObject({ code: 'CONNECTION_INVALID', missingPermissions: ['admin'] });
  });

  it('refuses credentials Linear does not accept when the connection is created, and saves nothing', async () => {
    const refused = await connect({ apiKey: 'lin_api_not_a_real_key' }, 'Wrong');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONNECTION_INVALID' });
    expect(JSON.stringify(refused)).not.toContain('lin_api_not_a_real_key');
    const team = await manage('query ($id: ID!) { team(id: $id) { connections { name } } }', { id: teamId });
    expect(team.data!.team.connections.map((connection: { name: string }) => connection.name)).not.toContain('Wrong');
    expect(server.logs.text).not.toContain(fake.adminKey);
  });
});
