import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptCredentials, encryptCredentials, keyIdOf } from '../src/connections/crypto.js';
import { startFakeSmtp, type FakeSmtp } from './fakes/smtp.js';
import { addMember, createKey, createTeam, RUN_ACTION, startTestServer, withKey, type GraphQLResponse, type TestServer, type TestUser } from './harness.js';

let server: TestServer;
let smtp: FakeSmtp;
let admin: TestUser;
let member: TestUser;
let otherAdmin: TestUser;
let teamId: string;
let otherTeamId: string;

const PASSWORD = `smtp-secret-${randomBytes(8).toString('hex')}`;
/** A key from before a rotation: the server still opens what it sealed. */
const RETIRED_KEY = randomBytes(32);
const smtpAccount = { username: 'mailer', password: PASSWORD };
/** Every management response, searched for the password at the end. */
const responses: GraphQLResponse[] = [];

const CONNECTION_FIELDS = 'id app { key } name status grantedPermissions expiresAt lastCheckedAt lastError createdAt';

beforeAll(async () => {
  smtp = await startFakeSmtp(smtpAccount);
  server = await startTestServer({ retiredEncryptionKeys: [RETIRED_KEY] });
  admin = await server.signUp();
  member = await server.signUp();
  otherAdmin = await server.signUp();
  teamId = await createTeam(server, admin);
  otherTeamId = await createTeam(server, otherAdmin, 'Other team');
  await addMember(server, teamId, member, 'MEMBER');
});
afterAll(async () => {
  await server.close();
  await smtp.close();
});

async function manage(query: string, variables: Record<string, unknown>, user: TestUser = admin) {
  const response = await server.graphql(query, variables, { cookie: user.cookie });
  responses.push(response);
  return response;
}

const credentials = (overrides: Record<string, unknown> = {}) => ({ host: smtp.host, port: smtp.port, secure: false, username: 'mailer', password: PASSWORD, from: 'Latchkey <robot@example.test>', ...overrides });

function createConnection(input: { teamId?: string; name?: string; credentials?: Record<string, unknown> } = {}, user: TestUser = admin) {
  return manage(`mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { ${CONNECTION_FIELDS} } }`, {
    input: { teamId: input.teamId ?? teamId, app: 'email', name: input.name ?? 'Team mail', credentials: input.credentials ?? credentials() },
  }, user);
}

async function newConnection(name = 'Team mail'): Promise<string> {
  const created = await createConnection({ name });
  if (!created.data?.createConnection) throw new Error(`createConnection failed: ${JSON.stringify(created.errors)}`);
  return created.data.createConnection.id;
}

/** A connection row written directly (states SMTP cannot produce on demand), credentials sealed like the server does. */
async function insertConnection(fields: { teamId?: string; app?: string; status?: 'ACTIVE' | 'EXPIRED' | 'REVOKED' | 'ERROR'; grantedPermissions?: string[]; expiresAt?: Date | null; sealWith?: Buffer } = {}) {
  const sealed = encryptCredentials(fields.sealWith ?? server.latchkey.services.config.encryptionKey, credentials());
  const row = await server.latchkey.services.prisma.connection.create({
    data: {
      teamId: fields.teamId ?? teamId,
      app: fields.app ?? 'email',
      name: 'inserted',
      status: fields.status ?? 'ACTIVE',
      grantedPermissions: fields.grantedPermissions ?? ['send'],
      expiresAt: fields.expiresAt ?? null,
      credentialsCiphertext: sealed.ciphertext,
      credentialsKeyId: sealed.keyId,
    },
  });
  return row.id;
}

function createKeyRaw(apps: unknown[], user: TestUser = admin, team = teamId) {
  return manage('mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id apps { app { key } connectionId components { key } } } secret } }', {
    input: { teamId: team, name: 'mail key', scopes: ['READ', 'WRITE'], apps },
  }, user);
}

describe('creating a connection', () => {
  it('checks the credentials with the SMTP server first: a wrong password is CONNECTION_INVALID and nothing is saved', async () => {
    const before = await server.latchkey.services.prisma.connection.count({ where: { teamId } });
    const refused = await createConnection({ credentials: credentials({ password: 'wrong-password-123' }) });
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONNECTION_INVALID', status: 'REVOKED' });
    expect(refused.errors?.[0]?.message).toMatch(/refused the username or password/);
    expect(refused.errors?.[0]?.message).not.toContain('wrong-password-123');
    expect(await server.latchkey.services.prisma.connection.count({ where: { teamId } })).toBe(before);
    expect(await server.latchkey.services.prisma.auditEntry.count({ where: { teamId, action: 'connection.create' } })).toBe(0);
  });

  it('refuses credentials that do not match the app’s schema, with paths', async () => {
    const invalid = await createConnection({ credentials: { host: '', port: 'twenty-five', secure: false, username: 'u', password: 'p', from: 'a@b.c', extra: 1 } });
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const paths = (invalid.errors?.[0]?.extensions?.issues as { path: unknown[] }[]).map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['input.credentials.host', 'input.credentials.port', 'input.credentials.extra']));
    const unknownApp = await manage('mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', { input: { teamId, app: 'records', name: 'x', credentials: {} } });
    expect(unknownApp.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['input', 'app'] }] });
  });

  it('saves a checked connection with what SMTP grants, lists it, and describes the form', async () => {
    const created = await createConnection({ name: 'Alerts mailbox' });
    const connection = created.data!.createConnection;
    expect(connection).toMatchObject({ app: { key: 'email' }, name: 'Alerts mailbox', status: 'ACTIVE', grantedPermissions: ['send'], expiresAt: null, lastError: null });
    expect(connection.lastCheckedAt).not.toBeNull();

    const listed = await manage(`query ($id: ID!) { team(id: $id) { connections { ${CONNECTION_FIELDS} } } }`, { id: teamId }, member);
    expect(listed.data?.team.connections).toContainEqual(connection);

    const apps = await manage('{ apps { key needsConnection connectionSchema } }', {});
    const email = apps.data?.apps.find((app: { key: string }) => app.key === 'email');
    expect(email.needsConnection).toBe(true);
    expect(email.connectionSchema.properties.password).toMatchObject({ type: 'string', writeOnly: true });
    expect(apps.data?.apps.find((app: { key: string }) => app.key === 'http')).toMatchObject({ needsConnection: false, connectionSchema: null });

    const log = await manage('query ($id: ID!) { team(id: $id) { auditLog { entries { action targetId details actorEmail } } } }', { id: teamId });
    expect(log.data?.team.auditLog.entries[0]).toMatchObject({ action: 'connection.create', targetId: connection.id, actorEmail: admin.email, details: { app: 'email', name: 'Alerts mailbox', grantedPermissions: ['send'] } });
  });
});

describe('testing a connection', () => {
  it('records what the provider says now: revoked when the password stops working, active again when it works', async () => {
    const id = await newConnection('Rotating mailbox');
    smtpAccount.password = 'rotated-elsewhere';
    try {
      const failed = await manage(`mutation ($id: ID!) { testConnection(id: $id) { ${CONNECTION_FIELDS} } }`, { id });
      expect(failed.data?.testConnection).toMatchObject({ id, status: 'REVOKED', lastError: expect.stringMatching(/refused the username or password/) });
    } finally {
      smtpAccount.password = PASSWORD;
    }
    const healed = await manage(`mutation ($id: ID!) { testConnection(id: $id) { ${CONNECTION_FIELDS} } }`, { id });
    expect(healed.data?.testConnection).toMatchObject({ id, status: 'ACTIVE', lastError: null, grantedPermissions: ['send'] });
    const entries = await server.latchkey.services.prisma.auditEntry.findMany({ where: { teamId, action: 'connection.test', targetId: id }, orderBy: { createdAt: 'asc' } });
    expect(entries.map((entry) => (entry.details as { status: string }).status)).toEqual(['REVOKED', 'ACTIVE']);
  });
});

describe('credentials that cannot be opened', () => {
  it('fail the run with CONNECTION_INVALID and the test with ERROR, without saying more', async () => {
    const sealed = encryptCredentials(randomBytes(32), credentials());
    const row = await server.latchkey.services.prisma.connection.create({
      data: { teamId, app: 'email', name: 'Sealed elsewhere', grantedPermissions: ['send'], credentialsCiphertext: sealed.ciphertext, credentialsKeyId: sealed.keyId },
    });
    const key = await createKey(server, admin, teamId, { apps: [{ app: 'email', connectionId: row.id, components: ['email.send'] }] });
    const run = await withKey(server, key.secret)(RUN_ACTION, { component: 'email.send', input: { to: 'a@example.test', subject: 's', text: 't' } });
    expect(run.data?.runAction).toMatchObject({ status: 'FAILED', error: { code: 'CONNECTION_INVALID', message: expect.stringMatching(/cannot be read/) } });
    const tested = await manage(`mutation ($id: ID!) { testConnection(id: $id) { ${CONNECTION_FIELDS} } }`, { id: row.id });
    expect(tested.data?.testConnection).toMatchObject({ status: 'ERROR', lastError: expect.stringMatching(/encryption key/) });
    expect(server.logs.text).toMatch(/connection credentials unreadable/);
  });
});

describe('rotating the encryption key', () => {
  it('opens credentials sealed under a retired key, and seals them under the current key when tested', async () => {
    const id = await insertConnection({ sealWith: RETIRED_KEY });
    const key = await createKey(server, admin, teamId, { apps: [{ app: 'email', connectionId: id, components: ['email.send'] }] });
    const run = await withKey(server, key.secret)(RUN_ACTION, { component: 'email.send', input: { to: 'a@example.test', subject: 'Rotated', text: 't' } });
    expect(run.data?.runAction).toMatchObject({ status: 'SUCCEEDED' });
    const row = () => server.latchkey.services.prisma.connection.findUniqueOrThrow({ where: { id } });
    expect((await row()).credentialsKeyId).toBe(keyIdOf(RETIRED_KEY));
    const tested = await manage('mutation ($id: ID!) { testConnection(id: $id) { status } }', { id });
    expect(tested.data?.testConnection.status).toBe('ACTIVE');
    const resealed = await row();
    expect(resealed.credentialsKeyId).toBe(keyIdOf(server.latchkey.services.config.encryptionKey));
    expect(decryptCredentials(server.latchkey.services.config.encryptionKey, { keyId: resealed.credentialsKeyId, ciphertext: resealed.credentialsCiphertext })).toEqual(credentials());
  });
});

describe('who may manage connections', () => {
  it('refuses a MEMBER with FORBIDDEN / ROLE_REQUIRED, but lets them read', async () => {
    const id = await newConnection();
    const create = await createConnection({}, member);
    const test = await manage('mutation ($id: ID!) { testConnection(id: $id) { id } }', { id }, member);
    const remove = await manage('mutation ($id: ID!) { deleteConnection(id: $id) }', { id }, member);
    for (const refused of [create, test, remove]) expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    expect(await server.latchkey.services.prisma.connection.findUnique({ where: { id } })).not.toBeNull();
  });

  it('answers NOT_FOUND for another team’s connection, exactly as for an unknown id', async () => {
    const id = await newConnection();
    for (const target of [id, randomUUID()]) {
      const test = await manage('mutation ($id: ID!) { testConnection(id: $id) { id } }', { id: target }, otherAdmin);
      const remove = await manage('mutation ($id: ID!) { deleteConnection(id: $id) }', { id: target }, otherAdmin);
      expect(test.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(remove.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    const intoOurTeam = await createConnection({}, otherAdmin);
    expect(intoOurTeam.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await server.latchkey.services.prisma.connection.findUnique({ where: { id } })).not.toBeNull();
  });
});

describe('granting a connection to a key', () => {
  it('grants an active connection that holds the permissions the components need', async () => {
    const id = await newConnection();
    const created = await createKeyRaw([{ app: 'email', connectionId: id, components: ['email.send'] }]);
    expect(created.data?.createApiKey.apiKey.apps).toEqual([{ app: { key: 'email' }, connectionId: id, components: [{ key: 'email.send' }] }]);
  });

  it('refuses, saving nothing, a connection that is expired, revoked, of another app, of another team, or missing', async () => {
    const before = await server.latchkey.services.prisma.apiKey.count({ where: { teamId } });
    const expired = await insertConnection({ expiresAt: new Date(Date.now() - 1000) });
    const revoked = await insertConnection({ status: 'REVOKED' });
    const otherApp = await insertConnection({ app: 'another-app' });
    const otherTeam = await insertConnection({ teamId: otherTeamId });
    const grant = (connectionId: string) => createKeyRaw([{ app: 'email', connectionId, components: ['email.send'] }]);

    expect((await grant(expired)).errors?.[0]?.extensions).toMatchObject({ code: 'CONNECTION_INVALID', reason: 'STATUS', status: 'EXPIRED', path: ['input', 'apps', 0, 'connectionId'] });
    expect((await grant(revoked)).errors?.[0]?.extensions).toMatchObject({ code: 'CONNECTION_INVALID', reason: 'STATUS', status: 'REVOKED' });
    expect((await grant(otherApp)).errors?.[0]?.extensions).toMatchObject({ code: 'CONNECTION_INVALID', reason: 'WRONG_APP' });
    const foreign = await grant(otherTeam);
    const missing = await grant(randomUUID());
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'CONNECTION_INVALID', reason: 'NOT_FOUND' });
    expect(foreign.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
    expect({ ...foreign.errors?.[0]?.extensions, connectionId: null }).toEqual({ ...missing.errors?.[0]?.extensions, connectionId: null });
    expect(await server.latchkey.services.prisma.apiKey.count({ where: { teamId } })).toBe(before);
  });

  it('names the permissions a connection lacks', async () => {
    const lacking = await insertConnection({ grantedPermissions: ['read'] });
    const refused = await createKeyRaw([{ app: 'email', connectionId: lacking, components: ['email.send'] }]);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONNECTION_INVALID', reason: 'MISSING_PERMISSIONS', missingPermissions: ['send'] });
    expect(refused.errors?.[0]?.message).toMatch(/lacks the permission send/);
    // Updating an existing key's grants is checked the same way.
    const key = await createKey(server, admin, teamId);
    const update = await manage('mutation ($id: ID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { id } }', {
      id: key.id,
      input: { apps: [{ app: 'email', connectionId: lacking, components: ['email.send'] }] },
    });
    expect(update.errors?.[0]?.extensions).toMatchObject({ code: 'CONNECTION_INVALID', missingPermissions: ['send'] });
  });

  it('requires a connection for an app with accounts, and refuses one for an app without', async () => {
    const none = await createKeyRaw([{ app: 'email', components: ['email.send'] }]);
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['input', 'apps', 0, 'connectionId'] }] });
    const id = await newConnection();
    const extra = await createKeyRaw([{ app: 'records', connectionId: id, components: ['records.get'] }]);
    expect(extra.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['input', 'apps', 0, 'connectionId'] }] });
  });
});

describe('deleting a connection', () => {
  it('removes exactly the grants that use it, and the audit entry names them', async () => {
    const doomed = await newConnection('Doomed mailbox');
    const kept = await newConnection('Kept mailbox');
    const both = await createKey(server, admin, teamId, { name: 'both', apps: [{ app: 'email', connectionId: doomed, components: ['email.send'] }, { app: 'records', components: ['records.get'] }] });
    const onlyMail = await createKey(server, admin, teamId, { name: 'only mail', apps: [{ app: 'email', connectionId: doomed, components: ['email.send'] }] });
    const other = await createKey(server, admin, teamId, { name: 'other mailbox', apps: [{ app: 'email', connectionId: kept, components: ['email.send'] }] });
    // Warm the keys' cache entries: deletion must reach them.
    expect((await withKey(server, onlyMail.secret)('{ components { key } }')).data?.components).toEqual([{ key: 'email.send' }]);

    const deleted = await manage('mutation ($id: ID!) { deleteConnection(id: $id) }', { id: doomed });
    expect(deleted.data?.deleteConnection).toBe(doomed);

    const grants = async (keyId: string) => (await server.latchkey.services.prisma.keyGrant.findMany({ where: { apiKeyId: keyId } })).map((grant) => [grant.app, grant.connectionId]);
    expect(await grants(both.id)).toEqual([['records', null]]);
    expect(await grants(onlyMail.id)).toEqual([]);
    expect(await grants(other.id)).toEqual([['email', kept]]);
    expect(await server.latchkey.services.prisma.connection.findUnique({ where: { id: doomed } })).toBeNull();

    const entry = await server.latchkey.services.prisma.auditEntry.findFirstOrThrow({ where: { teamId, action: 'connection.delete', targetId: doomed } });
    expect(entry.details).toMatchObject({ app: 'email', name: 'Doomed mailbox' });
    const removed = (entry.details as { removedGrants: { apiKeyId: string; apiKeyName: string; app: string; components: string[] }[] }).removedGrants;
    expect(removed.sort((a, b) => a.apiKeyName.localeCompare(b.apiKeyName))).toEqual([
      { apiKeyId: both.id, apiKeyName: 'both', app: 'email', components: ['email.send'] },
      { apiKeyId: onlyMail.id, apiKeyName: 'only mail', app: 'email', components: ['email.send'] },
    ]);

    const run = await withKey(server, onlyMail.secret)(RUN_ACTION, { component: 'email.send', input: { to: 'a@example.test', subject: 's', text: 't' } });
    expect(run.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'COMPONENT_NOT_GRANTED' });
  });
});

describe('the credentials never leave the server', () => {
  it('appear in no response, audit entry or log line, and the database holds them only encrypted', async () => {
    const id = await newConnection('Secret check');
    await manage('mutation ($id: ID!) { testConnection(id: $id) { id } }', { id });
    const audit = await manage('query ($id: ID!) { team(id: $id) { connections { id name } auditLog(first: 200) { entries { action details } } } }', { id: teamId });
    expect(audit.data?.team.auditLog.entries.length).toBeGreaterThan(3);
    expect(responses.length).toBeGreaterThan(10);
    for (const response of responses) expect(JSON.stringify(response)).not.toContain(PASSWORD);
    expect(server.logs.lines.length).toBeGreaterThan(0);
    expect(server.logs.text).not.toContain(PASSWORD);

    const client = new pg.Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      const dump = JSON.stringify((await client.query('SELECT * FROM "connection"')).rows) + JSON.stringify((await client.query('SELECT * FROM "audit_entry"')).rows);
      expect(dump).not.toContain(PASSWORD);
      expect(dump).not.toContain(Buffer.from(PASSWORD).toString('base64'));
      const row = (await client.query('SELECT "credentialsCiphertext", "credentialsKeyId" FROM "connection" WHERE id = $1', [id])).rows[0];
      expect(row.credentialsCiphertext).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(row.credentialsKeyId).toMatch(/^[0-9a-f]{16}$/);
    } finally {
      await client.end();
    }
  });
});
