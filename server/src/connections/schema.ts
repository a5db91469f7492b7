import type { Context } from '../access/context.js';
import { session } from '../access/directives.js';
import { AppRef } from '../catalog/schema.js';
import { catalog } from '../catalog/registry.js';
import { builder } from '../schema/builder.js';
import { TeamRef } from '../teams/schema.js';
import { connectionTeam, createConnection, deleteConnection, resetConnectionWebhook, statusOf, testConnection } from './service.js';

export const ConnectionStatusEnum = builder.enumType('ConnectionStatus', { values: ['ACTIVE', 'EXPIRED', 'REVOKED', 'ERROR'] as const });

// Only these fields are exposed: the credentials never leave the server.
builder.prismaObject('Connection', {
  description: 'A team’s account at a provider. Its credentials are stored encrypted and never returned.',
  fields: (t) => ({
    id: t.exposeID('id'),
    app: t.field({ type: AppRef, resolve: (connection) => catalog.app(connection.app)! }),
    name: t.exposeString('name'),
    status: t.field({ type: ConnectionStatusEnum, resolve: (connection) => statusOf(connection) }),
    grantedPermissions: t.exposeStringList('grantedPermissions', { description: 'What the provider said these credentials may do, at the last check.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    lastCheckedAt: t.expose('lastCheckedAt', { type: 'DateTime', nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'What the provider said at the last failed check or run.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    webhookUrl: t.string({
      nullable: true,
      description: 'Notion: the URL to subscribe to in Notion’s webhook settings for this connection’s triggers; null for other apps.',
      resolve: (connection, _args, ctx) => (connection.app === 'notion' ? `${ctx.config.publicUrl}/webhooks/notion/${connection.id}` : null),
    }),
    webhookVerified: t.boolean({
      description: 'Whether the provider’s webhook verification handshake has been received (the token itself is never returned).',
      select: { webhookVerifiedAt: true },
      resolve: (connection) => connection.webhookVerifiedAt !== null,
    }),
  }),
});

builder.objectFields(AppRef, (t) => ({
  connectionSchema: t.field({
    type: 'JSON',
    nullable: true,
    description: 'JSON Schema of the credentials a connection of this app needs (secret fields are writeOnly); null when the app needs no account.',
    resolve: (app) => app.connection?.credentialsSchema ?? null,
  }),
}));

builder.objectFields(TeamRef, (t) => ({
  connections: t.prismaField({
    type: ['Connection'],
    description: 'The team’s connected accounts, newest first.',
    resolve: (query, team, _args, ctx) => ctx.prisma.connection.findMany({ ...query, where: { teamId: team.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

const CreateConnectionInput = builder.inputType('CreateConnectionInput', {
  fields: (t) => ({
    teamId: t.id(),
    app: t.string(),
    name: t.string(),
    credentials: t.field({ type: 'JSON', description: 'Checked against App.connectionSchema and with the provider; stored encrypted, never returned.' }),
  }),
});

const byConnectionId = (args: { id: string | number }, ctx: Context) => connectionTeam(ctx, String(args.id));

builder.mutationFields((t) => ({
  createConnection: t.prismaField({
    type: 'Connection',
    description: 'Checks the credentials with the provider, then saves them encrypted. A refusal is CONNECTION_INVALID and nothing is saved.',
    args: { input: t.arg({ type: CreateConnectionInput }) },
    ...session('ADMIN', (args: { input: { teamId: string | number } }) => String(args.input.teamId)),
    resolve: async (query, _root, { input }, ctx) => {
      const created = await createConnection(ctx, await ctx.requireViewer(), { teamId: String(input.teamId), app: input.app, name: input.name, credentials: input.credentials });
      return ctx.prisma.connection.findUniqueOrThrow({ ...query, where: { id: created.id } });
    },
  }),
  testConnection: t.prismaField({
    type: 'Connection',
    description: 'Checks the stored credentials with the provider again and records its answer (status, permissions, last error).',
    args: { id: t.arg.id() },
    ...session('ADMIN', byConnectionId),
    resolve: async (query, _root, { id }, ctx) => {
      await testConnection(ctx, await ctx.requireViewer(), String(id));
      return ctx.prisma.connection.findUniqueOrThrow({ ...query, where: { id: String(id) } });
    },
  }),
  resetConnectionWebhook: t.prismaField({
    type: 'Connection',
    description:
      'Notion: forgets the stored webhook verification token, so that the handshake of a subscription made again in Notion is accepted. Deliveries answer 401 until it arrives.',
    args: { id: t.arg.id() },
    ...session('ADMIN', byConnectionId),
    resolve: async (query, _root, { id }, ctx) => {
      await resetConnectionWebhook(ctx, await ctx.requireViewer(), String(id));
      return ctx.prisma.connection.findUniqueOrThrow({ ...query, where: { id: String(id) } });
    },
  }),
  deleteConnection: t.id({
    description: 'Deletes the connection and every key grant that uses it.',
    args: { id: t.arg.id() },
    ...session('ADMIN', byConnectionId),
    resolve: async (_root, { id }, ctx) => deleteConnection(ctx, await ctx.requireViewer(), String(id)),
  }),
}));
