import { randomBytes } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { encryptCredentials } from '../src/connections/crypto.js';
import { startFakeSmtp, startSilentServer, type FakeSmtp } from './fakes/smtp.js';
import { createKey, createTeam, RUN_ACTION, startTestServer, withKey, type TestServer, type TestUser } from './harness.js';

let server: TestServer;
let smtp: FakeSmtp;
let admin: TestUser;
let teamId: string;
let connectionId: string;
let secret: string;

const PASSWORD = `smtp-secret-${randomBytes(8).toString('hex')}`;
const smtpAccount = { username: 'mailer', password: PASSWORD };
const credentials = () => ({ host: smtp.host, port: smtp.port, secure: false, username: 'mailer', password: PASSWORD, from: 'Latchkey <robot@example.test>' });

beforeAll(async () => {
  smtp = await startFakeSmtp(smtpAccount);
  server = await startTestServer();
  admin = await server.signUp();
  teamId = await createTeam(server, admin);
  const created = await server.graphql('mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', { input: { teamId, app: 'email', name: 'Mail', credentials: credentials() } }, { cookie: admin.cookie });
  connectionId = created.data!.createConnection.id;
  secret = (await createKey(server, admin, teamId, { apps: [{ app: 'email', connectionId, components: ['email.send'] }] })).secret;
});
afterAll(async () => {
  await server.close();
  await smtp.close();
});

const send = async (input: unknown, key = secret) => {
  const result = await withKey(server, key)(RUN_ACTION, { component: 'email.send', input });
  return result.data?.runAction ?? result;
};
const connection = () => server.latchkey.services.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });

describe('email.send', () => {
  it('sends through the team’s SMTP server', async () => {
    const run = await send({ to: ['ada@example.test', 'Grace <grace@example.test>'], subject: 'Deploy finished', text: 'All green on main.' });
    expect(run).toMatchObject({ status: 'SUCCEEDED', error: null });
    expect(run.output.messageId).toMatch(/^<.+@.+>$/);
    expect(run.output.accepted).toEqual(['ada@example.test', 'grace@example.test']);
    const validate = new Ajv2020({ strict: false }).compile(catalog.component('email.send')!.outputSchema);
    expect(validate(run.output)).toBe(true);

    const mail = smtp.messages.at(-1)!;
    expect(mail).toMatchObject({ from: 'robot@example.test', to: ['ada@example.test', 'grace@example.test'], user: 'mailer', subject: 'Deploy finished' });
    expect(mail.raw).toContain('All green on main.');
    expect(mail.raw).toMatch(/^From: Latchkey <robot@example\.test>/m);
  });

  it('refuses input that does not match the schema, before contacting SMTP', async () => {
    const count = smtp.messages.length;
    const invalid = await send({ to: 'not an address', subject: 42, cc: 'x@example.test' });
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const paths = (invalid.errors[0].extensions.issues as { path: unknown[] }[]).map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['input.subject', 'input.cc']));
    expect(paths.some((path) => path.startsWith('input.to'))).toBe(true);
    expect(smtp.messages.length).toBe(count);
  });

  it('fails the run with PROVIDER_ERROR when the server refuses the recipient', async () => {
    const run = await send({ to: 'nobody@rejected.test', subject: 'Hello', text: 'Hi' });
    expect(run).toMatchObject({ status: 'FAILED', output: null, error: { code: 'PROVIDER_ERROR' } });
    expect(run.error.message).toMatch(/refused the recipients/);
    expect((await connection()).status).toBe('ACTIVE');
  });

  it('fails the run with PROVIDER_ERROR saying so when the server limits the sending rate', async () => {
    const run = await send({ to: 'burst@throttled.test', subject: 'Hello', text: 'Hi' });
    expect(run).toMatchObject({ status: 'FAILED', output: null, error: { code: 'PROVIDER_ERROR' } });
    expect(run.error.message).toMatch(/limiting how fast it accepts mail; try again later/);
    expect(run.error.message).toContain('Rate limit exceeded');
    expect((await connection()).status).toBe('ACTIVE');
  });

  it('fails with TIMEOUT when the SMTP server never answers', async () => {
    const silent = await startSilentServer();
    const action = catalog.component('email.send') as { timeoutMs?: number };
    const timeoutMs = action.timeoutMs;
    action.timeoutMs = 800;
    try {
      const sealed = encryptCredentials(server.latchkey.services.config.encryptionKey, { ...credentials(), host: silent.host, port: silent.port });
      const hanging = await server.latchkey.services.prisma.connection.create({
        data: { teamId, app: 'email', name: 'Hanging', grantedPermissions: ['send'], credentialsCiphertext: sealed.ciphertext, credentialsKeyId: sealed.keyId },
      });
      const key = await createKey(server, admin, teamId, { apps: [{ app: 'email', connectionId: hanging.id, components: ['email.send'] }] });
      const started = Date.now();
      const run = await send({ to: 'ada@example.test', subject: 'Hello', text: 'Hi' }, key.secret);
      expect(run).toMatchObject({ status: 'FAILED', error: { code: 'TIMEOUT' } });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      action.timeoutMs = timeoutMs;
      await silent.close();
    }
  });

  it('marks the connection REVOKED when SMTP refuses the password, then refuses runs until it is tested again', async () => {
    smtpAccount.password = 'changed-by-the-mail-admin';
    try {
      const run = await send({ to: 'ada@example.test', subject: 'Hello', text: 'Hi' });
      expect(run).toMatchObject({ status: 'FAILED', error: { code: 'CONNECTION_INVALID' } });
      expect(await connection()).toMatchObject({ status: 'REVOKED', lastError: expect.stringMatching(/refused the username or password/) });
      const count = smtp.messages.length;
      const refused = await send({ to: 'ada@example.test', subject: 'Hello', text: 'Hi' });
      expect(refused).toMatchObject({ status: 'FAILED', error: { code: 'CONNECTION_INVALID', message: expect.stringMatching(/revoked/) } });
      expect(smtp.messages.length).toBe(count);
    } finally {
      smtpAccount.password = PASSWORD;
    }
    const tested = await server.graphql('mutation ($id: ID!) { testConnection(id: $id) { status } }', { id: connectionId }, { cookie: admin.cookie });
    expect(tested.data?.testConnection.status).toBe('ACTIVE');
    expect(await send({ to: 'ada@example.test', subject: 'Back', text: 'Hi' })).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('refuses a run through a connection that expired after it was granted', async () => {
    await server.latchkey.services.prisma.connection.update({ where: { id: connectionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    try {
      const run = await send({ to: 'ada@example.test', subject: 'Hello', text: 'Hi' });
      expect(run).toMatchObject({ status: 'FAILED', error: { code: 'CONNECTION_INVALID', message: expect.stringMatching(/expired/) } });
    } finally {
      await server.latchkey.services.prisma.connection.update({ where: { id: connectionId }, data: { expiresAt: null } });
    }
  });

  it('never puts the SMTP password in a run, a log line or an error', async () => {
    const runs = await server.latchkey.services.prisma.actionRun.findMany({ where: { teamId } });
    expect(runs.length).toBeGreaterThan(3);
    expect(JSON.stringify(runs)).not.toContain(PASSWORD);
    expect(server.logs.text).not.toContain(PASSWORD);
  });
});
