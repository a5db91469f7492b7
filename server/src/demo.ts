import type { Services } from './access/context.js';

export const DEMO_LOGIN = { email: 'demo@latchkey.dev', password: 'latchkey-demo', name: 'Demo Admin' };
export const DEMO_TEAM = 'Demo team';

/** Development only: a demo user who owns a demo team, created on the first start. */
export async function seedDemo({ prisma, auth }: Services): Promise<{ created: boolean }> {
  if (await prisma.user.findUnique({ where: { email: DEMO_LOGIN.email } })) return { created: false };
  const { user } = await auth.api.signUpEmail({ body: DEMO_LOGIN });
  await prisma.team.create({
    data: {
      id: 'demo-team',
      name: DEMO_TEAM,
      slug: 'demo-team',
      members: { create: { id: 'demo-team-owner', userId: user.id, role: 'owner' } },
    },
  });
  return { created: true };
}
