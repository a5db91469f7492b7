import type { Services } from './access/context.js';
import type { ApiKeyScope } from './catalog/define.js';
import { catalog } from './catalog/registry.js';
import { encryptCredentials } from './connections/crypto.js';
import { generateKey, hashKey, lastFourOf } from './keys/format.js';
import { KEY_CHANGED_CHANNEL } from './keys/verifier.js';

export const DEMO_LOGIN = { email: 'demo@latchkey.dev', password: 'latchkey-demo', name: 'Demo Admin' };
export const DEMO_TEAM = { id: 'demo-team', name: 'Demo team' };
export const DEMO_KEY_NAME = 'Demo key';

/** Development only: a demo user who owns a demo team, created on the first start. */
export async function seedDemo({ prisma, auth }: Services): Promise<void> {
  if (await prisma.user.findUnique({ where: { email: DEMO_LOGIN.email } })) return;
  const { user } = await auth.api.signUpEmail({ body: DEMO_LOGIN });
  await prisma.team.create({
    data: { ...DEMO_TEAM, slug: 'demo-team', members: { create: { id: 'demo-team-owner', userId: user.id, role: 'owner' } } },
  });
}

interface DemoKeySpec {
  name: string;
  scopes: ApiKeyScope[];
  grants: { app: string; connectionId?: string; components: string[] }[];
}

const RECORDS_DEMO_KEY: DemoKeySpec = {
  name: DEMO_KEY_NAME,
  scopes: ['READ', 'WRITE', 'DELETE'],
  grants: [{ app: 'records', components: catalog.componentsOf('records').map((component) => component.key) }],
};

/**
 * Development only: a key of the demo team with a fresh secret on every start (Latchkey keeps
 * only hashes, so a secret can be shown only when it is made). Null when the demo team is gone.
 */
export async function rotateDemoKey({ prisma }: Services, spec: DemoKeySpec = RECORDS_DEMO_KEY): Promise<string | null> {
  const team = await prisma.team.findUnique({ where: { id: DEMO_TEAM.id } });
  if (!team) return null;
  const secret = generateKey();
  const secretFields = { hash: hashKey(secret), lastFour: lastFourOf(secret), previousHash: null, previousHashExpiresAt: null };
  const existing = await prisma.apiKey.findFirst({ where: { teamId: team.id, name: spec.name, revokedAt: null } });
  if (existing) {
    await prisma.$transaction([
      prisma.apiKey.update({ where: { id: existing.id }, data: { ...secretFields, grants: { deleteMany: {}, create: spec.grants } } }),
      prisma.$executeRaw`SELECT pg_notify(${KEY_CHANGED_CHANNEL}, ${existing.id})`,
    ]);
  } else {
    await prisma.apiKey.create({ data: { ...secretFields, teamId: team.id, name: spec.name, scopes: spec.scopes, grants: { create: spec.grants } } });
  }
  return secret;
}

/**
 * Development only, with DEMO_LINEAR_API_KEY set (the fake Linear prints one): a "Demo Linear"
 * connection checked with Linear, and a key granted linear.createIssue and linear.searchIssues on it.
 */
export async function seedDemoLinear(services: Services, linearApiKey: string): Promise<string | null> {
  const { prisma, config } = services;
  if (!(await prisma.team.findUnique({ where: { id: DEMO_TEAM.id } }))) return null;
  const linear = catalog.app('linear')!;
  const credentials = { apiKey: linearApiKey };
  const check = await linear.connection!.check(credentials, { config, signal: AbortSignal.timeout(10_000) });
  const sealed = encryptCredentials(config.encryptionKey, credentials);
  const fields = {
    status: 'ACTIVE' as const,
    grantedPermissions: check.permissions,
    expiresAt: check.expiresAt ?? null,
    lastCheckedAt: new Date(),
    lastError: null,
    credentialsCiphertext: sealed.ciphertext,
    credentialsKeyId: sealed.keyId,
  };
  const existing = await prisma.connection.findFirst({ where: { teamId: DEMO_TEAM.id, app: 'linear', name: 'Demo Linear' } });
  const connection = existing
    ? await prisma.connection.update({ where: { id: existing.id }, data: fields })
    : await prisma.connection.create({ data: { ...fields, teamId: DEMO_TEAM.id, app: 'linear', name: 'Demo Linear' } });
  return rotateDemoKey(services, {
    name: 'Demo Linear key',
    scopes: ['READ', 'WRITE'],
    grants: [{ app: 'linear', connectionId: connection.id, components: ['linear.createIssue', 'linear.searchIssues'] }],
  });
}

/** A curl that runs `component` with `input` (GraphQL literal syntax, no single quotes). */
export function demoCurl(apiUrl: string, secret: string, component = 'records.create', input = '{collection: "notes", data: {text: "hello"}}'): string {
  const query = `mutation { runAction(component: "${component}", input: ${input}) { status output error { code message } } }`.replace(/"/g, '\\"');
  return `curl -s ${apiUrl}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${secret}' -d '{"query":"${query}"}'`;
}
