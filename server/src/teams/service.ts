import { randomBytes } from 'node:crypto';
import type { Context, Viewer } from '../access/context.js';
import { toTeamRole, type TeamRole } from '../access/roles.js';
import { errors } from '../schema/errors.js';

export const TEAM_NAME_MAX = 80;

function slugFor(name: string): string {
  const base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${base || 'team'}-${randomBytes(4).toString('hex')}`;
}

export function teamsOf(ctx: Context, userId: string) {
  return ctx.prisma.team.findMany({ where: { members: { some: { userId } } }, orderBy: { createdAt: 'asc' } });
}

/** The team if the viewer belongs to it; otherwise NOT_FOUND, whether or not it exists. */
export async function teamForViewer(ctx: Context, viewer: Viewer, teamId: string) {
  await viewer.access.assertRole(teamId, 'MEMBER');
  const team = await ctx.prisma.team.findUnique({ where: { id: teamId } });
  if (!team) throw errors.notFound('Team');
  return team;
}

export async function createTeam(ctx: Context, viewer: Viewer, rawName: string) {
  const name = rawName.trim();
  if (name.length === 0 || name.length > TEAM_NAME_MAX) {
    throw errors.badUserInput([{ path: ['name'], message: `A team name is 1 to ${TEAM_NAME_MAX} characters.` }]);
  }
  return ctx.prisma.$transaction(async (tx) => {
    const team = await tx.team.create({ data: { id: randomBytes(16).toString('hex'), name, slug: slugFor(name) } });
    await tx.member.create({ data: { id: randomBytes(16).toString('hex'), teamId: team.id, userId: viewer.userId, role: 'owner' } });
    return team;
  });
}

export function membersOf(ctx: Context, teamId: string) {
  return ctx.prisma.member.findMany({ where: { teamId }, include: { user: true }, orderBy: { createdAt: 'asc' } });
}

export function roleOf(stored: string): TeamRole {
  return toTeamRole(stored);
}
