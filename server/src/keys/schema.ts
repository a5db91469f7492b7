import { apiKey } from '../access/api-key.js';
import { session } from '../access/directives.js';
import type { Context } from '../access/context.js';
import { ApiKeyScopeEnum, AppRef, ComponentRef } from '../catalog/schema.js';
import { catalog } from '../catalog/registry.js';
import type { Component } from '../catalog/define.js';
import { builder } from '../schema/builder.js';
import { TeamRef, UserRef } from '../teams/schema.js';
import { maskedKey } from './format.js';
import { createKey, deleteKey, keyTeam, regenerateKey, revokeKey, statusOf, teamKeyUsage, updateKey, USAGE_DAYS_MAX, type KeyUsageDay } from './service.js';

export const ApiKeyStatusEnum = builder.enumType('ApiKeyStatus', { values: ['ACTIVE', 'REVOKED', 'EXPIRED'] as const });

interface GrantShape {
  app: string;
  connectionId: string | null;
  components: string[] | ReadonlySet<string>;
}

export const KeyAppGrantRef = builder.objectRef<GrantShape>('KeyAppGrant').implement({
  fields: (t) => ({
    app: t.field({ type: AppRef, resolve: (grant) => catalog.app(grant.app)! }),
    connectionId: t.id({ nullable: true, resolve: (grant) => grant.connectionId }),
    components: t.field({
      type: [ComponentRef],
      resolve: (grant) => [...grant.components].map((key) => catalog.component(key)).filter((component): component is Component => !!component),
    }),
  }),
});

const KeyUsageDayRef = builder.objectRef<KeyUsageDay>('KeyUsageDay').implement({
  description: "One UTC day of a key's action runs.",
  fields: (t) => ({
    day: t.exposeString('day', { description: 'The UTC day, YYYY-MM-DD.' }),
    runs: t.exposeInt('runs', { description: 'Action runs started that day.' }),
    failed: t.exposeInt('failed', { description: 'Of those, the runs that failed.' }),
  }),
});

/** Per request and team: one grouped query answers the usage of every key in a list. */
const usageLoads = new WeakMap<Context, Map<string, ReturnType<typeof teamKeyUsage>>>();
function usageOf(ctx: Context, teamId: string, days: number) {
  let loads = usageLoads.get(ctx);
  if (!loads) usageLoads.set(ctx, (loads = new Map()));
  const id = `${teamId}/${days}`;
  let load = loads.get(id);
  if (!load) loads.set(id, (load = teamKeyUsage(ctx, teamId, days)));
  return load;
}

export const ApiKeyRef = builder.prismaObject('ApiKey', {
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    lastFour: t.exposeString('lastFour'),
    maskedKey: t.string({ resolve: (key) => maskedKey(key.lastFour) }),
    scopes: t.field({ type: [ApiKeyScopeEnum], resolve: (key) => key.scopes }),
    status: t.field({ type: ApiKeyStatusEnum, resolve: (key) => statusOf(key) }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Recorded in batches; includes uses this server has seen but not yet written.',
      resolve: (key, _args, ctx) => {
        const pending = ctx.keyUsage.pendingFor(key.id);
        return pending && (!key.lastUsedAt || pending > key.lastUsedAt) ? pending : key.lastUsedAt;
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    createdBy: t.relation('createdBy', { type: UserRef, nullable: true }),
    apps: t.field({ type: [KeyAppGrantRef], select: { grants: true }, resolve: (key) => key.grants.sort((a, b) => a.app.localeCompare(b.app)) }),
    usage: t.field({
      type: [KeyUsageDayRef],
      description: `Action runs per UTC day over the last \`days\` days (1 to ${USAGE_DAYS_MAX}), oldest first, today last; days without runs count zero.`,
      args: { days: t.arg.int({ required: false, defaultValue: 14 }) },
      resolve: async (key, args, ctx) => {
        const days = Math.min(Math.max(args.days ?? 14, 1), USAGE_DAYS_MAX);
        return (await usageOf(ctx, key.teamId, days))(key.id);
      },
    }),
  }),
});

const CreatedApiKeyRef = builder.objectRef<{ apiKey: { id: string }; secret: string }>('CreatedApiKey').implement({
  fields: (t) => ({
    apiKey: t.prismaField({ type: 'ApiKey', resolve: (query, created, _args, ctx) => ctx.prisma.apiKey.findUniqueOrThrow({ ...query, where: { id: created.apiKey.id } }) }),
    secret: t.exposeString('secret', { description: 'The full key. Shown this once; Latchkey keeps only its hash.' }),
  }),
});

const KeyAppGrantInput = builder.inputType('KeyAppGrantInput', {
  fields: (t) => ({
    app: t.string(),
    connectionId: t.id({ required: false }),
    components: t.stringList(),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    teamId: t.id(),
    name: t.string(),
    scopes: t.field({ type: [ApiKeyScopeEnum] }),
    expiresAt: t.field({ type: 'DateTime', required: false }),
    apps: t.field({ type: [KeyAppGrantInput] }),
  }),
});

const UpdateApiKeyInput = builder.inputType('UpdateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: false }),
    scopes: t.field({ type: [ApiKeyScopeEnum], required: false }),
    expiresAt: t.field({ type: 'DateTime', required: false }),
    apps: t.field({ type: [KeyAppGrantInput], required: false }),
  }),
});

const byKeyId = (args: { id: string | number }, ctx: Context) => keyTeam(ctx, String(args.id));
const grantsOf = (apps: readonly { app: string; connectionId?: string | number | null; components: string[] }[]) =>
  apps.map((grant) => ({ app: grant.app, connectionId: grant.connectionId == null ? null : String(grant.connectionId), components: grant.components }));

builder.objectFields(TeamRef, (t) => ({
  apiKeys: t.prismaField({
    type: ['ApiKey'],
    resolve: (query, team, _args, ctx) => ctx.prisma.apiKey.findMany({ ...query, where: { teamId: team.id }, orderBy: { createdAt: 'desc' } }),
  }),
  apiKey: t.prismaField({
    type: 'ApiKey',
    nullable: true,
    args: { id: t.arg.id() },
    resolve: (query, team, args, ctx) => ctx.prisma.apiKey.findFirst({ ...query, where: { id: String(args.id), teamId: team.id } }),
  }),
}));

const ApiKeyInfoRef = builder.objectRef<import('./verifier.js').KeyRecord>('ApiKeyInfo').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    scopes: t.field({ type: [ApiKeyScopeEnum], resolve: (key) => [...key.scopes] }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.expiresAt }),
    teamId: t.id({ resolve: (key) => key.teamId }),
    apps: t.field({ type: [KeyAppGrantRef], resolve: (key) => [...key.grants].map(([app, grant]) => ({ app, ...grant })).sort((a, b) => a.app.localeCompare(b.app)) }),
  }),
});

builder.queryFields((t) => ({
  apiKeyInfo: t.field({
    type: ApiKeyInfoRef,
    description: 'The key making this request: its scopes, expiry and grants.',
    ...apiKey('READ'),
    resolve: (_root, _args, ctx) => ctx.requireApiKey(),
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKeyRef,
    args: { input: t.arg({ type: CreateApiKeyInput }) },
    ...session('ADMIN', (args: { input: { teamId: string | number } }) => String(args.input.teamId)),
    resolve: async (_root, { input }, ctx) =>
      createKey(ctx, await ctx.requireViewer(), String(input.teamId), { name: input.name, scopes: input.scopes, expiresAt: input.expiresAt ?? null, apps: grantsOf(input.apps) }),
  }),
  updateApiKey: t.prismaField({
    type: 'ApiKey',
    args: { id: t.arg.id(), input: t.arg({ type: UpdateApiKeyInput }) },
    ...session('ADMIN', byKeyId),
    resolve: async (query, _root, { id, input }, ctx) => {
      await updateKey(ctx, await ctx.requireViewer(), String(id), {
        name: input.name,
        scopes: input.scopes,
        expiresAt: input.expiresAt,
        apps: input.apps ? grantsOf(input.apps) : input.apps,
      });
      return ctx.prisma.apiKey.findUniqueOrThrow({ ...query, where: { id: String(id) } });
    },
  }),
  regenerateApiKey: t.field({
    type: CreatedApiKeyRef,
    description: 'A new secret for the same key (id, name, scopes, grants, expiry). The old secret stops working at once, or after graceSeconds (at most 7 days).',
    args: { id: t.arg.id(), graceSeconds: t.arg.int({ required: false, defaultValue: 0 }) },
    ...session('ADMIN', byKeyId),
    resolve: async (_root, args, ctx) => regenerateKey(ctx, await ctx.requireViewer(), String(args.id), args.graceSeconds ?? 0),
  }),
  revokeApiKey: t.prismaField({
    type: 'ApiKey',
    args: { id: t.arg.id() },
    ...session('ADMIN', byKeyId),
    resolve: async (query, _root, args, ctx) => {
      await revokeKey(ctx, await ctx.requireViewer(), String(args.id));
      return ctx.prisma.apiKey.findUniqueOrThrow({ ...query, where: { id: String(args.id) } });
    },
  }),
  deleteApiKey: t.id({
    args: { id: t.arg.id() },
    ...session('ADMIN', byKeyId),
    resolve: async (_root, args, ctx) => deleteKey(ctx, await ctx.requireViewer(), String(args.id)),
  }),
}));
