import { session } from '../access/directives.js';
import { TEAM_ROLES, toTeamRole } from '../access/roles.js';
import { builder } from '../schema/builder.js';
import { errors } from '../schema/errors.js';
import { acceptInvitation, invitationLink, inviteMember, pendingInvitations } from './invitations.js';
import { cancelInvitation, invitationTeam, removeMember, updateMemberRole } from './members.js';
import { createTeam, membersOf, teamForViewer, teamsOf } from './service.js';

export const TeamRoleEnum = builder.enumType('TeamRole', { values: TEAM_ROLES });

export const UserRef = builder.prismaObject('User', {
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    teams: t.field({ type: [TeamRef], resolve: (user, _args, ctx) => teamsOf(ctx, user.id) }),
  }),
});

export const TeamMemberRef = builder.prismaObject('Member', {
  name: 'TeamMember',
  fields: (t) => ({
    id: t.exposeID('id'),
    user: t.relation('user'),
    role: t.field({ type: TeamRoleEnum, resolve: (member) => toTeamRole(member.role) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const InvitationRef = builder.prismaObject('Invitation', {
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    role: t.field({ type: TeamRoleEnum, resolve: (invitation) => toTeamRole(invitation.role) }),
    status: t.exposeString('status'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    link: t.string({ description: 'The link the invited person opens to join (Latchkey sends no mail).', resolve: (invitation, _args, ctx) => invitationLink(ctx, invitation.id) }),
  }),
});

export const TeamRef = builder.prismaObject('Team', {
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    viewerRole: t.field({
      type: TeamRoleEnum,
      resolve: async (team, _args, ctx) => {
        const viewer = await ctx.requireViewer();
        const role = await viewer.access.roleIn(team.id);
        if (!role) throw errors.notFound('Team');
        return role;
      },
    }),
    members: t.field({ type: [TeamMemberRef], resolve: (team, _args, ctx) => membersOf(ctx, team.id) }),
    invitations: t.field({
      type: [InvitationRef],
      description: 'Pending invitations, with their links (OWNER and ADMIN only).',
      resolve: async (team, _args, ctx) => {
        await (await ctx.requireViewer()).access.assertRole(team.id, 'ADMIN');
        return pendingInvitations(ctx, team.id);
      },
    }),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: UserRef,
    nullable: true,
    description: 'The signed-in user; null when signed out.',
    resolve: async (_root, _args, ctx) => {
      const viewer = await ctx.viewer();
      return viewer ? ctx.prisma.user.findUnique({ where: { id: viewer.userId } }) : null;
    },
  }),
  team: t.field({
    type: TeamRef,
    nullable: true,
    args: { id: t.arg.id() },
    ...session(),
    resolve: async (_root, args, ctx) => teamForViewer(ctx, await ctx.requireViewer(), String(args.id)),
  }),
}));

const byTeamId = (args: { teamId: string | number }) => String(args.teamId);

builder.mutationFields((t) => ({
  createTeam: t.field({
    type: TeamRef,
    args: { name: t.arg.string() },
    ...session(),
    resolve: async (_root, args, ctx) => createTeam(ctx, await ctx.requireViewer(), args.name),
  }),
  inviteMember: t.field({
    type: InvitationRef,
    args: { teamId: t.arg.id(), email: t.arg.string(), role: t.arg({ type: TeamRoleEnum, defaultValue: 'MEMBER' }) },
    ...session('ADMIN', (args: { teamId: string | number }) => String(args.teamId)),
    resolve: (_root, args, ctx) => inviteMember(ctx, String(args.teamId), args.email.trim(), args.role),
  }),
  acceptInvitation: t.field({
    type: TeamRef,
    args: { id: t.arg.id() },
    ...session(),
    resolve: async (_root, args, ctx) => acceptInvitation(ctx, await ctx.requireViewer(), String(args.id)),
  }),
  updateMemberRole: t.field({
    type: TeamMemberRef,
    description: "Changes a member's role. OWNER and ADMIN switch members between ADMIN and MEMBER; only an OWNER makes someone OWNER or changes an OWNER; the last OWNER cannot be demoted.",
    args: { teamId: t.arg.id(), memberId: t.arg.id(), role: t.arg({ type: TeamRoleEnum }) },
    ...session('ADMIN', byTeamId),
    resolve: async (_root, args, ctx) => updateMemberRole(ctx, await ctx.requireViewer(), String(args.teamId), String(args.memberId), args.role),
  }),
  removeMember: t.id({
    description:
      'Removes a member from the team and returns their member id. OWNER and ADMIN remove others (only an OWNER removes an OWNER); any member may remove themselves to leave; the last OWNER cannot leave or be removed.',
    args: { teamId: t.arg.id(), memberId: t.arg.id() },
    ...session('MEMBER', byTeamId),
    resolve: async (_root, args, ctx) => removeMember(ctx, await ctx.requireViewer(), String(args.teamId), String(args.memberId)),
  }),
  cancelInvitation: t.id({
    description: 'Cancels a pending invitation: its link stops working. Returns its id.',
    args: { id: t.arg.id() },
    ...session('ADMIN', (args: { id: string | number }, ctx) => invitationTeam(ctx, String(args.id))),
    resolve: async (_root, args, ctx) => cancelInvitation(ctx, await ctx.requireViewer(), String(args.id)),
  }),
}));
