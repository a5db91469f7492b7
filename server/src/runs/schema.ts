import { apiKey } from '../access/api-key.js';
import { catalog } from '../catalog/registry.js';
import { builder } from '../schema/builder.js';
import { decodeCursor, encodeCursor, pageSize } from '../schema/pagination.js';
import { TeamRef } from '../teams/schema.js';
import { runAction, runsPage, type RunResult } from './service.js';

const ActionRunStatusEnum = builder.enumType('ActionRunStatus', { values: ['SUCCEEDED', 'FAILED'] as const });

const ActionErrorRef = builder.objectRef<{ code: string; message: string }>('ActionError').implement({
  fields: (t) => ({ code: t.exposeString('code'), message: t.exposeString('message') }),
});

export const ActionRunRef = builder.objectRef<RunResult & { apiKeyId?: string | null }>('ActionRun').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    component: t.exposeString('component'),
    status: t.field({ type: ActionRunStatusEnum, resolve: (run) => run.status }),
    output: t.field({ type: 'JSON', nullable: true, resolve: (run) => run.output }),
    error: t.field({ type: ActionErrorRef, nullable: true, resolve: (run) => run.error }),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true }),
    replayed: t.exposeBoolean('replayed', { description: 'True when this is the stored result of an earlier run with the same idempotency key.' }),
    startedAt: t.field({ type: 'DateTime', resolve: (run) => run.startedAt }),
    durationMs: t.exposeInt('durationMs'),
    apiKeyId: t.id({ nullable: true, description: 'The key that ran it (null once the key is deleted).', resolve: (run) => run.apiKeyId ?? null }),
  }),
});

const ActionRunPageRef = builder.objectRef<{ runs: (RunResult & { apiKeyId: string | null })[]; endCursor: string | null; hasMore: boolean }>('ActionRunPage').implement({
  fields: (t) => ({
    runs: t.field({ type: [ActionRunRef], resolve: (page) => page.runs }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
    hasMore: t.exposeBoolean('hasMore'),
  }),
});

builder.objectFields(TeamRef, (t) => ({
  actionRuns: t.field({
    type: ActionRunPageRef,
    description: 'Action runs of the team, newest first.',
    args: {
      first: t.arg.int({ required: false }),
      after: t.arg.string({ required: false }),
      apiKeyId: t.arg.id({ required: false }),
      component: t.arg.string({ required: false }),
      status: t.arg({ type: ActionRunStatusEnum, required: false }),
    },
    resolve: async (team, args, ctx) => {
      const first = pageSize(args.first, ['first']);
      const { rows, hasMore } = await runsPage(ctx, team.id, { apiKeyId: args.apiKeyId ? String(args.apiKeyId) : null, component: args.component, status: args.status }, first, args.after ? decodeCursor(args.after, ['after']) : null);
      const last = rows.at(-1);
      return {
        runs: rows.map((row) => ({
          ...row,
          error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
          replayed: false,
        })),
        endCursor: last ? encodeCursor(last.startedAt, last.id) : null,
        hasMore,
      };
    },
  }),
}));

builder.mutationFields((t) => ({
  runAction: t.field({
    type: ActionRunRef,
    description: 'Runs an action granted to this key with the given input, and records the run.',
    args: { component: t.arg.string(), input: t.arg({ type: 'JSON' }), idempotencyKey: t.arg.string({ required: false }) },
    ...apiKey(null, (args: { component: string }) => args.component),
    resolve: async (_root, args, ctx) => runAction(ctx, await ctx.requireApiKey(), catalog.component(args.component)!, args.input, args.idempotencyKey ?? null),
  }),
}));
