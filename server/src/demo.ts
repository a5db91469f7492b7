import type { Services } from './access/context.js';
import { catalog } from './catalog/registry.js';
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

/**
 * Development only: the demo team's key on the records app, with a fresh secret on every start
 * (Latchkey keeps only hashes, so a secret can be shown only when it is made).
 */
export async function rotateDemoKey({ prisma }: Services): Promise<string | null> {
  const team = await prisma.team.findUnique({ where: { id: DEMO_TEAM.id } });
  if (!team) return null;
  const secret = generateKey();
  const secretFields = { hash: hashKey(secret), lastFour: lastFourOf(secret), previousHash: null, previousHashExpiresAt: null };
  const existing = await prisma.apiKey.findFirst({ where: { teamId: team.id, name: DEMO_KEY_NAME, revokedAt: null } });
  if (existing) {
    await prisma.$transaction([
      prisma.apiKey.update({ where: { id: existing.id }, data: secretFields }),
      prisma.$executeRaw`SELECT pg_notify(${KEY_CHANGED_CHANNEL}, ${existing.id})`,
    ]);
  } else {
    await prisma.apiKey.create({
      data: {
        ...secretFields,
        teamId: team.id,
        name: DEMO_KEY_NAME,
        scopes: ['READ', 'WRITE', 'DELETE'],
        grants: { create: [{ app: 'records', components: catalog.componentsOf('records').map((component) => component.key) }] },
      },
    });
  }
  return secret;
}

export function demoCurl(apiUrl: string, secret: string): string {
  const query = 'mutation { runAction(component: \\"records.create\\", input: {collection: \\"notes\\", data: {text: \\"hello\\"}}) { status output } }';
  return `curl -s ${apiUrl}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${secret}' -d '{"query":"${query}"}'`;
}
