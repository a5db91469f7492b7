import type { PrismaClient } from '../db/client.js';
import { errors } from '../schema/errors.js';

export const TEAM_ROLES = ['OWNER', 'ADMIN', 'MEMBER'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

const RANK: Record<TeamRole, number> = { MEMBER: 0, ADMIN: 1, OWNER: 2 };

/** better-auth stores roles in lower case. */
export function toTeamRole(stored: string): TeamRole {
  const role = stored.toUpperCase();
  return (TEAM_ROLES as readonly string[]).includes(role) ? (role as TeamRole) : 'MEMBER';
}

export function roleAtLeast(role: TeamRole, required: TeamRole): boolean {
  return RANK[role] >= RANK[required];
}

/**
 * What a signed-in user may do in which team. One instance per request: each team's role is read
 * from the database once, however many fields ask.
 */
export class TeamAccess {
  private readonly roles = new Map<string, Promise<TeamRole | null>>();

  constructor(
    private readonly prisma: PrismaClient,
    readonly userId: string,
  ) {}

  roleIn(teamId: string): Promise<TeamRole | null> {
    let role = this.roles.get(teamId);
    if (!role) {
      role = this.prisma.member
        .findUnique({ where: { teamId_userId: { teamId, userId: this.userId } }, select: { role: true } })
        .then((member) => (member ? toTeamRole(member.role) : null));
      this.roles.set(teamId, role);
    }
    return role;
  }

  /** Not a member: NOT_FOUND (another team's ids are never confirmed). Too low a role: FORBIDDEN. */
  async assertRole(teamId: string, required: TeamRole = 'MEMBER'): Promise<TeamRole> {
    const role = await this.roleIn(teamId);
    if (!role) throw errors.notFound();
    if (!roleAtLeast(role, required)) {
      throw errors.forbidden('ROLE_REQUIRED', `This needs the ${required} role in the team.`, { requiredRole: required });
    }
    return role;
  }
}
