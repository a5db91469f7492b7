import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { inject } from 'vitest';
import { createLatchkey, type Latchkey } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { freePort } from './global-setup.js';

const TEMPLATE_DATABASE = 'latchkey_template';

/** A fresh database cloned from the migrated template (or empty); dropped by `drop()`. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const server = inject('postgresServerUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${options.empty ? 'template0' : TEMPLATE_DATABASE}`);
  await admin.end();
  return {
    url: `${server}/${name}`,
    name,
    async drop() {
      const client = new pg.Client({ connectionString: `${server}/postgres` });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Every line the server logged, to prove secrets never reach the logs. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

export interface TestServer {
  url: string;
  latchkey: Latchkey;
  logs: LogCapture;
  databaseUrl: string;
  graphql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, options?: { cookie?: string; headers?: Record<string, string> }): Promise<GraphQLResponse<T>>;
  signUp(overrides?: Partial<{ email: string; password: string; name: string }>): Promise<TestUser>;
  close(): Promise<void>;
}

export interface TestUser {
  email: string;
  password: string;
  name: string;
  cookie: string;
}

export function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}

/** The real server on a free port, against its own fresh database. */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const logs = new LogCapture();
  const port = await freePort();
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    },
    { host: '127.0.0.1', databaseUrl: database.url, signInThrottle: { window: 60, max: 5 }, logLevel: 'debug', ...overrides },
  );
  const latchkey = await createLatchkey(config, { logDestination: logs });
  const url = await latchkey.listen();

  const server: TestServer = {
    url,
    latchkey,
    logs,
    databaseUrl: database.url,
    async graphql(query, variables, options = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: any[] };
      return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
    },
    async signUp(user = {}) {
      const id = randomBytes(4).toString('hex');
      const credentials = { email: `user-${id}@example.test`, password: `pw-${id}-long-enough`, name: `User ${id}`, ...user };
      const response = await fetch(`${url}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify(credentials),
      });
      if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
      return { ...credentials, cookie: cookieFrom(response) };
    },
    async close() {
      await latchkey.close();
      await database.drop();
    },
  };
  return server;
}

/** Creates a team owned by `owner` and adds `others` with their roles. */
export async function createTeam(server: TestServer, owner: TestUser, name = 'Team'): Promise<string> {
  const result = await server.graphql<{ createTeam: { id: string } }>('mutation ($name: String!) { createTeam(name: $name) { id } }', { name }, { cookie: owner.cookie });
  if (!result.data?.createTeam) throw new Error(`createTeam failed: ${JSON.stringify(result.errors)}`);
  return result.data.createTeam.id;
}

/** Adds a member directly (invitations are tested on their own). */
export async function addMember(server: TestServer, teamId: string, user: TestUser, role: 'ADMIN' | 'MEMBER'): Promise<void> {
  const { prisma } = server.latchkey.services;
  const record = await prisma.user.findUniqueOrThrow({ where: { email: user.email } });
  await prisma.member.create({ data: { id: randomBytes(8).toString('hex'), teamId, userId: record.id, role: role.toLowerCase() } });
}

export interface TestKey {
  id: string;
  secret: string;
}

export interface KeySpec {
  name?: string;
  scopes?: ('READ' | 'WRITE' | 'DELETE')[];
  expiresAt?: Date | null;
  apps?: { app: string; connectionId?: string | null; components: string[] }[];
}

export const ALL_RECORDS = ['records.create', 'records.get', 'records.list', 'records.update', 'records.delete'];

/** Creates a key through the management API, as an admin would. */
export async function createKey(server: TestServer, admin: TestUser, teamId: string, spec: KeySpec = {}): Promise<TestKey> {
  const result = await server.graphql<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
    'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }',
    {
      input: {
        teamId,
        name: spec.name ?? 'test key',
        scopes: spec.scopes ?? ['READ', 'WRITE', 'DELETE'],
        expiresAt: spec.expiresAt?.toISOString() ?? null,
        apps: spec.apps ?? [{ app: 'records', components: ALL_RECORDS }],
      },
    },
    { cookie: admin.cookie },
  );
  if (!result.data?.createApiKey) throw new Error(`createApiKey failed: ${JSON.stringify(result.errors)}`);
  return { id: result.data.createApiKey.apiKey.id, secret: result.data.createApiKey.secret };
}

/** A GraphQL request made with an API key. */
export function withKey(server: TestServer, secret: string | null) {
  return <T = Record<string, any>>(query: string, variables?: Record<string, unknown>) =>
    server.graphql<T>(query, variables, { headers: secret === null ? {} : { authorization: `Bearer ${secret}` } });
}

export const RUN_ACTION = `mutation ($component: String!, $input: JSON!, $idempotencyKey: String) {
  runAction(component: $component, input: $input, idempotencyKey: $idempotencyKey) { id component status output error { code message } idempotencyKey replayed startedAt durationMs }
}`;
