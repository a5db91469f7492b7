import type { Context, Viewer } from '../access/context.js';
import type { TeamRole } from '../access/roles.js';
import { errors } from '../schema/errors.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function invitationLink(ctx: Context, invitationId: string): string {
  return `${ctx.config.consoleUrl}/invitations/${invitationId}`;
}

/** better-auth records the invitation and checks the inviter's role; the link is handed over by hand. */
export async function inviteMember(ctx: Context, teamId: string, email: string, role: TeamRole) {
  if (!EMAIL.test(email)) throw errors.badUserInput([{ path: ['email'], message: 'Enter an email address.' }]);
  if (role === 'OWNER') throw errors.badUserInput([{ path: ['role'], message: 'Invite as ADMIN or MEMBER; ownership is not handed out by invitation.' }]);
  const invitation = await ctx.auth.api.createInvitation({
    headers: ctx.headers,
    body: { email: email.toLowerCase(), role: role === 'ADMIN' ? 'admin' : 'member', organizationId: teamId, resend: true },
  });
  return ctx.prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
}

export async function acceptInvitation(ctx: Context, viewer: Viewer, invitationId: string) {
  const invitation = await ctx.prisma.invitation.findUnique({ where: { id: invitationId } });
  // Someone else's invitation is as unknown as a missing one.
  if (!invitation || invitation.email.toLowerCase() !== viewer.email.toLowerCase()) throw errors.notFound('Invitation');
  if (invitation.status !== 'pending' || invitation.expiresAt < new Date()) {
    throw errors.badUserInput([{ path: ['id'], message: 'This invitation was already used, cancelled, or has expired.' }]);
  }
  await ctx.auth.api.acceptInvitation({ headers: ctx.headers, body: { invitationId } });
  return ctx.prisma.team.findUniqueOrThrow({ where: { id: invitation.teamId } });
}

export function pendingInvitations(ctx: Context, teamId: string) {
  return ctx.prisma.invitation.findMany({ where: { teamId, status: 'pending', expiresAt: { gt: new Date() } }, orderBy: { createdAt: 'desc' } });
}
