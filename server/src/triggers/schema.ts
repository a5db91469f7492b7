import { apiKey } from '../access/api-key.js';
import { builder } from '../schema/builder.js';
import { TeamRef } from '../teams/schema.js';
import { registerTrigger, removeTrigger } from './service.js';

export const TriggerStatusEnum = builder.enumType('TriggerStatus', { values: ['ACTIVE', 'FAILED'] as const });

export const TriggerRef = builder.prismaObject('Trigger', {
  fields: (t) => ({
    id: t.exposeID('id'),
    component: t.exposeString('component'),
    config: t.field({ type: 'JSON', resolve: (trigger) => trigger.config }),
    status: t.field({ type: TriggerStatusEnum, resolve: (trigger) => trigger.status }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastEventAt: t.expose('lastEventAt', { type: 'DateTime', nullable: true }),
    // Not the ApiKey itself: Trigger is also answered to API keys, which must not reach management
    // types. A key only ever sees its own triggers, so these are its own id and name.
    apiKeyId: t.exposeID('apiKeyId', { description: 'The key that registered this trigger.' }),
    apiKeyName: t.string({
      description: 'The name of the key that registered this trigger.',
      select: { apiKey: { select: { name: true } } },
      resolve: (trigger) => trigger.apiKey.name,
    }),
  }),
});

const RegisteredTriggerRef = builder.objectRef<{ trigger: { id: string }; inboundUrl: string | null; signingSecret: string | null }>('RegisteredTrigger').implement({
  fields: (t) => ({
    trigger: t.prismaField({ type: 'Trigger', resolve: (query, registered, _args, ctx) => ctx.prisma.trigger.findUniqueOrThrow({ ...query, where: { id: registered.trigger.id } }) }),
    inboundUrl: t.exposeString('inboundUrl', { nullable: true, description: 'For http.webhook triggers only, shown once: where to send events.' }),
    signingSecret: t.exposeString('signingSecret', { nullable: true, description: 'For http.webhook triggers only, shown once: the Standard Webhooks secret.' }),
  }),
});

builder.prismaObjectField('ApiKey', 'triggers', (t) => t.relation('triggers', { query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }));

builder.objectFields(TeamRef, (t) => ({
  triggers: t.prismaField({
    type: ['Trigger'],
    description: "Every key's triggers in the team.",
    resolve: (query, team, _args, ctx) => ctx.prisma.trigger.findMany({ ...query, where: { teamId: team.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  }),
}));

builder.queryFields((t) => ({
  triggers: t.prismaField({
    type: ['Trigger'],
    description: "This key's triggers.",
    ...apiKey('READ'),
    resolve: async (query, _root, _args, ctx) => {
      const key = await ctx.requireApiKey();
      return ctx.prisma.trigger.findMany({ ...query, where: { apiKeyId: key.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    },
  }),
}));

builder.mutationFields((t) => ({
  registerTrigger: t.field({
    type: RegisteredTriggerRef,
    description: "Registers a trigger granted to this key; its events then appear in triggerEvents.",
    args: { component: t.arg.string(), config: t.arg({ type: 'JSON', required: false }) },
    ...apiKey('WRITE', (args: { component: string }) => args.component),
    resolve: async (_root, args, ctx) => registerTrigger(ctx, await ctx.requireApiKey(), args.component, args.config),
  }),
  removeTrigger: t.id({
    description: "Removes one of this key's triggers and its stored events.",
    args: { id: t.arg.id() },
    ...apiKey('DELETE'),
    resolve: async (_root, args, ctx) => removeTrigger(ctx, await ctx.requireApiKey(), String(args.id)),
  }),
}));
