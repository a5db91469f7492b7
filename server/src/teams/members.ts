import type { Context, Viewer } from '../access/context.js';
import { roleAtLeast, toTeamRole, type TeamRole } from '../access/roles.js';
import { audit } from '../audit/service.js';
import type { Prisma } from '../db/client.js';
import { errors } from '../schema/errors.js';

type Tx = Prisma.TransactionClient;

/**
 * Member changes of one team run one at a time (a team advisory lock held to commit), so two owners
 * demoting each other at once cannot leave the team without an owner.
 */
async function lockedTeam(tx: Tx, viewer: Viewer, teamId: string, memberId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`members:${teamId}`}, 0))`;
  const [actor, target] = await Promise.all([
    tx.member.findUnique({ where: { teamId_userId: { teamId, userId: viewer.userId } }, select: { role: true } }),
    tx.member.findFirst({ where: { id: memberId, teamId }, include: { user: true } }),
  ]);
  // Someone who left meanwhile, or a member of another team: as unknown as a missing one.
  if (!actor || !target) throw errors.notFound('Member');
  return { actorRole: toTeamRole(actor.role), target, targetRole: toTeamRole(target.role) };
}

function requireRole(actorRole: TeamRole, required: TeamRole, message: string) {
  if (!roleAtLeast(actorRole, required)) throw errors.forbidden('ROLE_REQUIRED', message, { requiredRole: required });
}

async function assertAnotherOwner(tx: Tx, teamId: string, path: string[], message: string) {
  const owners = await tx.member.count({ where: { teamId, role: 'owner' } });
  if (owners <= 1) throw errors.badUserInput([{ path, message }]);
}

/** OWNER and ADMIN switch members between ADMIN and MEMBER; only an OWNER grants or takes OWNER. */
export function updateMemberRole(ctx: Context, viewer: Viewer, teamId: string, memberId: string, role: TeamRole) {
  return ctx.prisma.$transaction(async (tx) => {
    const { actorRole, target, targetRole } = await lockedTeam(tx, viewer, teamId, memberId);
    requireRole(actorRole, 'ADMIN', 'Changing roles needs the ADMIN role in the team.');
    if (role === 'OWNER' || targetRole === 'OWNER') requireRole(actorRole, 'OWNER', "Only an OWNER may make someone OWNER or change an OWNER's role.");
    if (role === targetRole) return target;
    if (targetRole === 'OWNER') await assertAnotherOwner(tx, teamId, ['role'], "The team's last OWNER cannot be demoted: make another member OWNER first.");
    const updated = await tx.member.update({ where: { id: memberId }, data: { role: role.toLowerCase() }, include: { user: true } });
    await audit(tx, ctx, viewer, { teamId, action: 'member.updateRole', targetType: 'member', targetId: memberId, details: { email: target.user.email, from: targetRole, to: role } });
    return updated;
  });
}

/** OWNER and ADMIN remove others (only an OWNER removes an OWNER); anyone may leave, except the last OWNER. */
export function removeMember(ctx: Context, viewer: Viewer, teamId: string, memberId: string) {
  return ctx.prisma.$transaction(async (tx) => {
    const { actorRole, target, targetRole } = await lockedTeam(tx, viewer, teamId, memberId);
    const leaving = target.userId === viewer.userId;
    if (!leaving) {
      requireRole(actorRole, 'ADMIN', 'Removing another member needs the ADMIN role in the team.');
      if (targetRole === 'OWNER') requireRole(actorRole, 'OWNER', 'Only an OWNER may remove an OWNER.');
    }
    if (targetRole === 'OWNER') await assertAnotherOwner(tx, teamId, ['memberId'], "The team's last OWNER cannot leave or be removed: make another member OWNER first.");
    await tx.member.delete({ where: { id: memberId } });
    // Their sessions no longer point at a team they are not in.
    await tx.session.updateMany({ where: { userId: target.userId, activeTeamId: teamId }, data: { activeTeamId: null } });
    await audit(tx, ctx, viewer, { teamId, action: 'member.remove', targetType: 'member', targetId: memberId, details: { email: target.user.email, role: targetRole, left: leaving } });
    return memberId;
  });
}

export async function invitationTeam(ctx: Context, invitationId: string): Promise<string | null> {
  const invitation = await ctx.prisma.invitation.findUnique({ where: { id: invitationId }, select: { teamId: true } });
  return invitation?.teamId ?? null;
}

/** A pending invitation's link stops working; better-auth's own status for it is "canceled". */
export function cancelInvitation(ctx: Context, viewer: Viewer, invitationId: string) {
  return ctx.prisma.$transaction(async (tx) => {
    const invitation = await tx.invitation.findUniqueOrThrow({ where: { id: invitationId } });
    if (invitation.status !== 'pending') throw errors.badUserInput([{ path: ['id'], message: `This invitation was already ${invitation.status}; only a pending one can be cancelled.` }]);
    await tx.invitation.update({ where: { id: invitationId }, data: { status: 'canceled' } });
    await audit(tx, ctx, viewer, { teamId: invitation.teamId, action: 'invitation.cancel', targetType: 'invitation', targetId: invitationId, details: { email: invitation.email, role: toTeamRole(invitation.role) } });
    return invitationId;
  });
}
