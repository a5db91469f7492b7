import { apiKey, assertKeyHolds } from '../access/api-key.js';
import { session } from '../access/directives.js';
import type { KeyRecord } from '../keys/verifier.js';
import { builder } from '../schema/builder.js';
import { pageSize } from '../schema/pagination.js';
import { assertOwnTrigger } from '../triggers/service.js';
import { decodeEventCursor, eventCursor, readEvents, type StoredEvent } from './log.js';
import { eventStream, type StreamItem } from './stream.js';

const TriggerEventRef = builder.objectRef<StoredEvent>('TriggerEvent').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    cursor: t.string({ description: 'Opaque; ordered within the team. Pass it as `after` to continue from this event.', resolve: (event) => eventCursor(event.seq) }),
    triggerId: t.id({ resolve: (event) => event.triggerId }),
    component: t.exposeString('component'),
    occurredAt: t.field({ type: 'DateTime', resolve: (event) => event.occurredAt }),
    payload: t.field({ type: 'JSON', resolve: (event) => event.payload }),
  }),
});

const TriggerEventPageRef = builder.objectRef<{ events: StoredEvent[]; endCursor: string | null; hasMore: boolean }>('TriggerEventPage').implement({
  fields: (t) => ({
    events: t.field({ type: [TriggerEventRef], resolve: (page) => page.events }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
    hasMore: t.exposeBoolean('hasMore'),
  }),
});

const afterOf = (after: string | null | undefined) => (after ? decodeEventCursor(after, ['after']) : 0n);

/** The soonest moment a key can stop working without a change notice (expiry, end of a regeneration's grace). */
const expiryOf = (key: KeyRecord): Date | null => {
  const now = Date.now();
  const moments = [key.expiresAt, key.previousHashExpiresAt].flatMap((at) => (at && at.getTime() > now ? [at.getTime()] : []));
  return moments.length > 0 ? new Date(Math.min(...moments)) : null;
};

/** The item that ends a stream is thrown here, so the client gets it as the subscription's error. */
const eventOrError = (item: StreamItem): StoredEvent => {
  if (item instanceof Error) throw item;
  return item;
};

builder.queryFields((t) => ({
  triggerEvents: t.field({
    type: TriggerEventPageRef,
    description: "This key's stored events after the cursor, oldest first.",
    args: { triggerId: t.arg.id({ required: false }), after: t.arg.string({ required: false }), first: t.arg.int({ required: false, defaultValue: 50 }) },
    ...apiKey('READ'),
    resolve: async (_root, args, ctx) => {
      const key = await ctx.requireApiKey();
      const first = pageSize(args.first, ['first'], { fallback: 50, max: 500 });
      const triggerId = args.triggerId ? String(args.triggerId) : null;
      if (triggerId) await assertOwnTrigger(ctx, key, triggerId);
      const rows = await readEvents(ctx.prisma, { teamId: key.teamId, apiKeyId: key.id, triggerId }, afterOf(args.after), first + 1);
      const events = rows.slice(0, first);
      const last = events.at(-1);
      return { events, endCursor: last ? eventCursor(last.seq) : args.after ?? null, hasMore: rows.length > first };
    },
  }),
}));

builder.subscriptionFields((t) => ({
  triggerEvents: t.field({
    type: TriggerEventRef,
    description: "Replays this key's events after the cursor in order, then streams new ones: no gap, no duplicate.",
    args: { triggerId: t.arg.id({ required: false }), after: t.arg.string({ required: false }) },
    ...apiKey('READ'),
    subscribe: async (_root, args, ctx) => {
      const key = await ctx.requireApiKey();
      const triggerId = args.triggerId ? String(args.triggerId) : null;
      if (triggerId) await assertOwnTrigger(ctx, key, triggerId);
      return eventStream({
        prisma: ctx.prisma,
        fanout: ctx.events,
        filter: { teamId: key.teamId, apiKeyId: key.id, triggerId },
        after: afterOf(args.after),
        // Revoked, deleted, regenerated, expired or without READ now: the stream ends with the reason.
        recheck: async () => {
          const current = await ctx.recheckApiKey();
          assertKeyHolds(current, { scope: 'READ' });
          return expiryOf(current);
        },
        recheckAt: expiryOf(key),
      });
    },
    resolve: eventOrError,
  }),
  teamEvents: t.field({
    type: TriggerEventRef,
    description: "Every trigger event of the team, live, for the console.",
    args: { teamId: t.arg.id() },
    ...session(),
    subscribe: async (_root, args, ctx) => {
      const teamId = String(args.teamId);
      // Any member may watch; another team's id answers NOT_FOUND.
      await (await ctx.requireViewer()).access.assertRole(teamId, 'MEMBER');
      return eventStream({ prisma: ctx.prisma, fanout: ctx.events, filter: { teamId }, after: await latestSeqOf(ctx.prisma, teamId) });
    },
    resolve: eventOrError,
  }),
}));

async function latestSeqOf(prisma: import('../db/client.js').PrismaClient, teamId: string): Promise<bigint> {
  const latest = await prisma.triggerEvent.findFirst({ where: { teamId }, orderBy: { seq: 'desc' }, select: { seq: true } });
  return latest?.seq ?? 0n;
}
