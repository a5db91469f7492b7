import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './global-setup.js';
import { addMember, createKey, createTeam, startTestServer, withKey, type TestServer, type TestUser } from './harness.js';

let server: TestServer;
let admin: TestUser;
let member: TestUser;
let teamId: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.signUp();
  member = await server.signUp();
  teamId = await createTeam(server, admin);
  await addMember(server, teamId, member, 'MEMBER');
});
afterAll(() => server.close());

const KEY_FIELDS = 'id name maskedKey lastFour scopes status expiresAt lastUsedAt createdAt apps { app { key } connectionId components { key } }';
const manage = (query: string, variables: Record<string, unknown>, user: TestUser = admin) => server.graphql(query, variables, { cookie: user.cookie });
const info = (secret: string) => withKey(server, secret)('{ apiKeyInfo { id name } }');

async function databaseText(): Promise<string> {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    const tables = ['api_key', 'key_grant', 'audit_entry', 'action_run'];
    const dumps: unknown[] = [];
    for (const table of tables) dumps.push((await client.query(`SELECT * FROM "${table}"`)).rows);
    return JSON.stringify(dumps);
  } finally {
    await client.end();
  }
}

describe('a key from creation to deletion', () => {
  it('shows the secret once, then only its last four characters, anywhere', async () => {
    const created = await manage(`mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { ${KEY_FIELDS} } } }`, {
      input: { teamId, name: 'CI deploys', scopes: ['READ', 'WRITE'], apps: [{ app: 'records', components: ['records.create', 'records.get'] }] },
    });
    const { secret, apiKey } = created.data!.createApiKey;
    expect(secret).toMatch(/^lk_[0-9A-Za-z]{46}$/);
    expect(apiKey).toMatchObject({
      name: 'CI deploys',
      lastFour: secret.slice(-4),
      maskedKey: `lk_…${secret.slice(-4)}`,
      scopes: ['READ', 'WRITE'],
      status: 'ACTIVE',
      expiresAt: null,
      lastUsedAt: null,
      apps: [{ app: { key: 'records' }, connectionId: null, components: [{ key: 'records.create' }, { key: 'records.get' }] }],
    });

    expect((await info(secret)).data?.apiKeyInfo).toEqual({ id: apiKey.id, name: 'CI deploys' });
    const list = await manage(`query ($id: ID!) { team(id: $id) { apiKeys { ${KEY_FIELDS} } auditLog { entries { action targetId details actorEmail ip } } } }`, { id: teamId });
    const detail = await manage(`query ($id: ID!, $key: ID!) { team(id: $id) { apiKey(id: $key) { ${KEY_FIELDS} } } }`, { id: teamId, key: apiKey.id });
    expect(JSON.stringify(list)).not.toContain(secret);
    expect(JSON.stringify(detail)).not.toContain(secret);
    expect(detail.data?.team.apiKey.lastFour).toBe(secret.slice(-4));
    expect(list.data?.team.auditLog.entries[0]).toMatchObject({ action: 'apiKey.create', targetId: apiKey.id, actorEmail: admin.email, ip: expect.stringMatching(/127\.0\.0\.1/) });

    const stored = await databaseText();
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice(3, 43));
    expect(stored).toContain(createHash('sha256').update(secret).digest('hex'));
    expect(server.logs.lines.length).toBeGreaterThan(0);
    expect(server.logs.text).not.toContain(secret);
    expect(server.logs.text).not.toContain(secret.slice(3, 43));
  });

  it('records the last use in batches, not on every request', async () => {
    const key = await createKey(server, admin, teamId);
    await info(key.secret);
    const row = () => server.latchkey.services.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect((await row()).lastUsedAt).toBeNull();
    // The console already shows it, from this instance's memory.
    const shown = await manage('query ($id: ID!, $key: ID!) { team(id: $id) { apiKey(id: $key) { lastUsedAt } } }', { id: teamId, key: key.id });
    expect(shown.data?.team.apiKey.lastUsedAt).not.toBeNull();
    await server.latchkey.services.keyUsage.flush();
    expect((await row()).lastUsedAt).toBeInstanceOf(Date);
  });

  it('regenerates with grace 0: same key, new secret, the old one refused on the next request', async () => {
    const key = await createKey(server, admin, teamId, { name: 'rotating', scopes: ['READ'] });
    expect((await info(key.secret)).data?.apiKeyInfo.id).toBe(key.id);
    const regenerated = await manage(`mutation ($id: ID!) { regenerateApiKey(id: $id) { secret apiKey { ${KEY_FIELDS} } } }`, { id: key.id });
    const { secret, apiKey } = regenerated.data!.regenerateApiKey;
    expect(secret).not.toBe(key.secret);
    expect(apiKey).toMatchObject({ id: key.id, name: 'rotating', scopes: ['READ'], lastFour: secret.slice(-4), status: 'ACTIVE' });
    expect((await info(key.secret)).status).toBe(401);
    expect((await info(secret)).data?.apiKeyInfo.id).toBe(key.id);
  });

  it('regenerates with a grace period: both secrets work until it ends', async () => {
    const key = await createKey(server, admin, teamId);
    await info(key.secret);
    const regenerated = await manage('mutation ($id: ID!) { regenerateApiKey(id: $id, graceSeconds: 2) { secret } }', { id: key.id });
    const secret = regenerated.data!.regenerateApiKey.secret;
    expect((await info(key.secret)).data?.apiKeyInfo.id).toBe(key.id);
    expect((await info(secret)).data?.apiKeyInfo.id).toBe(key.id);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await info(key.secret)).status).toBe(401);
    expect((await info(secret)).data?.apiKeyInfo.id).toBe(key.id);
    const tooLong = await manage('mutation ($id: ID!) { regenerateApiKey(id: $id, graceSeconds: 604801) { secret } }', { id: key.id });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['graceSeconds'] }] });
  });

  it('expires at the moment expiresAt passes, in access and in status', async () => {
    const key = await createKey(server, admin, teamId, { expiresAt: new Date(Date.now() + 1200) });
    expect((await info(key.secret)).status).toBe(200);
    const status = async () => (await manage('query ($id: ID!, $key: ID!) { team(id: $id) { apiKey(id: $key) { status } } }', { id: teamId, key: key.id })).data?.team.apiKey.status;
    expect(await status()).toBe('ACTIVE');
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const refused = await info(key.secret);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.message).toMatch(/expired/);
    expect(await status()).toBe('EXPIRED');
  });

  it('updates name, scopes and grants, effective on the next request', async () => {
    const key = await createKey(server, admin, teamId);
    const run = () => withKey(server, key.secret)('mutation { runAction(component: "records.create", input: { collection: "c", data: {} }) { status } }');
    expect((await run()).data?.runAction.status).toBe('SUCCEEDED');
    const updated = await manage(`mutation ($id: ID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { ${KEY_FIELDS} } }`, {
      id: key.id,
      input: { name: 'renamed', apps: [{ app: 'records', components: ['records.get'] }] },
    });
    expect(updated.data?.updateApiKey).toMatchObject({ name: 'renamed', apps: [{ components: [{ key: 'records.get' }] }] });
    expect((await run()).errors?.[0]?.extensions?.reason).toBe('COMPONENT_NOT_GRANTED');
    await manage('mutation ($id: ID!) { updateApiKey(id: $id, input: { scopes: [READ], apps: [{ app: "records", components: ["records.create"] }] }) { id } }', { id: key.id });
    expect((await run()).errors?.[0]?.extensions).toMatchObject({ reason: 'MISSING_SCOPE', requiredScope: 'WRITE' });
  });

  it('validates grants and saves nothing when one is wrong', async () => {
    const before = await server.latchkey.services.prisma.apiKey.count();
    const result = await manage('mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', {
      input: {
        teamId,
        name: '  ',
        scopes: [],
        apps: [
          { app: 'records', components: ['records.create', 'records.nope'] },
          { app: 'nope', components: ['nope.x'] },
          { app: 'records', components: ['records.get'], connectionId: 'c1' },
        ],
      },
    });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Field problems are reported first; fix them and the grant problems come with their paths.
    const paths = (result.errors?.[0]?.extensions?.issues as { path: (string | number)[] }[]).map((issue) => issue.path.join('.'));
    expect(paths).toEqual(['input.name', 'input.scopes']);
    const grants = await manage('mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', {
      input: {
        teamId,
        name: 'bad grants',
        scopes: ['READ'],
        apps: [
          { app: 'records', components: ['records.create', 'records.nope'] },
          { app: 'nope', components: ['nope.x'] },
          { app: 'records', components: ['records.get'], connectionId: 'c1' },
        ],
      },
    });
    const grantPaths = (grants.errors?.[0]?.extensions?.issues as { path: (string | number)[] }[]).map((issue) => issue.path.join('.'));
    expect(grantPaths).toEqual(['input.apps.0.components.1', 'input.apps.1.app', 'input.apps.2.app', 'input.apps.2.connectionId']);
    expect(await server.latchkey.services.prisma.apiKey.count()).toBe(before);
    const past = await manage('mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', {
      input: { teamId, name: 'past', scopes: ['READ'], expiresAt: '2020-01-01T00:00:00Z', apps: [] },
    });
    expect(past.errors?.[0]?.extensions?.issues).toEqual([{ path: ['input', 'expiresAt'], message: 'must be in the future' }]);
  });

  it('revokes and deletes, with an audit entry for every change', async () => {
    const key = await createKey(server, admin, teamId);
    const revoked = await manage(`mutation ($id: ID!) { revokeApiKey(id: $id) { ${KEY_FIELDS} } }`, { id: key.id });
    expect(revoked.data?.revokeApiKey.status).toBe('REVOKED');
    expect((await info(key.secret)).errors?.[0]?.message).toMatch(/revoked/);
    const deleted = await manage('mutation ($id: ID!) { deleteApiKey(id: $id) }', { id: key.id });
    expect(deleted.data?.deleteApiKey).toBe(key.id);
    expect((await manage('query ($id: ID!, $key: ID!) { team(id: $id) { apiKey(id: $key) { id } } }', { id: teamId, key: key.id })).data?.team.apiKey).toBeNull();
    const audit = await manage('query ($id: ID!) { team(id: $id) { auditLog(first: 100) { entries { action targetId } } } }', { id: teamId });
    const actions = (audit.data?.team.auditLog.entries as { action: string; targetId: string }[]).filter((entry) => entry.targetId === key.id).map((entry) => entry.action);
    expect(actions).toEqual(['apiKey.delete', 'apiKey.revoke', 'apiKey.create']);
  });
});

describe('roles', () => {
  it('lets a MEMBER read keys but not create, update, regenerate, revoke or delete them', async () => {
    const key = await createKey(server, admin, teamId);
    const listed = await manage('query ($id: ID!) { team(id: $id) { apiKeys { id } } }', { id: teamId }, member);
    expect(listed.data?.team.apiKeys.map((k: { id: string }) => k.id)).toContain(key.id);
    const attempts = [
      ['mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', { input: { teamId, name: 'x', scopes: ['READ'], apps: [] } }],
      ['mutation ($id: ID!) { updateApiKey(id: $id, input: { name: "x" }) { id } }', { id: key.id }],
      ['mutation ($id: ID!) { regenerateApiKey(id: $id) { secret } }', { id: key.id }],
      ['mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id: key.id }],
      ['mutation ($id: ID!) { deleteApiKey(id: $id) }', { id: key.id }],
    ] as const;
    for (const [query, variables] of attempts) {
      const result = await manage(query, variables, member);
      expect(result.status).toBe(403);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    }
    expect((await info(key.secret)).status).toBe(200);
  });

  it("answers NOT_FOUND for another team's key ids, exactly as for missing ones", async () => {
    const key = await createKey(server, admin, teamId);
    const stranger = await server.signUp();
    await createTeam(server, stranger);
    for (const query of ['mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', 'mutation ($id: ID!) { deleteApiKey(id: $id) }', 'mutation ($id: ID!) { regenerateApiKey(id: $id) { secret } }']) {
      const theirs = await manage(query, { id: key.id }, stranger);
      const missing = await manage(query, { id: 'no-such-key' }, stranger);
      expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(theirs.errors?.[0]).toEqual(missing.errors?.[0]);
    }
    const created = await manage('mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', { input: { teamId, name: 'x', scopes: ['READ'], apps: [] } }, stranger);
    expect(created.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await info(key.secret)).status).toBe(200);
  });
});

describe('a second server process on the same database', () => {
  let other: ChildProcess;
  let otherUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    otherUrl = `http://127.0.0.1:${port}`;
    other = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { PATH: process.env.PATH, DATABASE_URL: server.databaseUrl, PORT: String(port), NODE_ENV: 'test', AUTH_SECRET: 'x'.repeat(43), ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), LATCHKEY_DATA_DIR: '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    other.stdout!.on('data', (chunk) => (output += chunk));
    other.stderr!.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 30_000;
    while (!output.includes('listening')) {
      if (Date.now() > deadline || other.exitCode !== null) throw new Error(`second server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 40_000);
  afterAll(() => {
    other?.kill('SIGKILL');
  });

  const infoOnOther = (secret: string) =>
    fetch(`${otherUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify({ query: '{ apiKeyInfo { id } }' }) });

  it('sees a revocation on its very next request, with the key in its cache', async () => {
    const key = await createKey(server, admin, teamId);
    expect((await infoOnOther(key.secret)).status).toBe(200);
    expect((await infoOnOther(key.secret)).status).toBe(200);
    await manage('mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id: key.id });
    expect((await infoOnOther(key.secret)).status).toBe(401);
  });

  it('sees a deletion and a regeneration on its very next request', async () => {
    const deleted = await createKey(server, admin, teamId);
    const rotated = await createKey(server, admin, teamId);
    expect((await infoOnOther(deleted.secret)).status).toBe(200);
    expect((await infoOnOther(rotated.secret)).status).toBe(200);
    await manage('mutation ($id: ID!) { deleteApiKey(id: $id) }', { id: deleted.id });
    await manage('mutation ($id: ID!) { regenerateApiKey(id: $id) { secret } }', { id: rotated.id });
    expect((await infoOnOther(deleted.secret)).status).toBe(401);
    expect((await infoOnOther(rotated.secret)).status).toBe(401);
  });
});
