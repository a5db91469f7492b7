import { builder } from '../schema/builder.js';
import { TeamRef, UserRef } from '../teams/schema.js';
import { auditPage } from './service.js';

const AuditEntryRef = builder.prismaObject('AuditEntry', {
  fields: (t) => ({
    id: t.exposeID('id'),
    action: t.exposeString('action', { description: 'What was done, e.g. apiKey.create.' }),
    targetType: t.exposeString('targetType'),
    targetId: t.exposeID('targetId', { nullable: true }),
    details: t.expose('details', { type: 'JSON', nullable: true }),
    actor: t.relation('actor', { type: UserRef, nullable: true }),
    actorEmail: t.exposeString('actorEmail', { nullable: true }),
    ip: t.exposeString('ip', { nullable: true, description: 'Where the request came from.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AuditLogPageRef = builder.objectRef<Awaited<ReturnType<typeof auditPage>>>('AuditLogPage').implement({
  fields: (t) => ({
    entries: t.field({ type: [AuditEntryRef], resolve: (page) => page.entries }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
    hasMore: t.exposeBoolean('hasMore'),
  }),
});

builder.objectFields(TeamRef, (t) => ({
  auditLog: t.field({
    type: AuditLogPageRef,
    description: 'Every management change in the team, newest first.',
    args: { first: t.arg.int({ required: false }), after: t.arg.string({ required: false }) },
    resolve: (team, args, ctx) => auditPage(ctx, team.id, args.first, args.after),
  }),
}));
