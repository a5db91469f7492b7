import { assertKeyHolds } from '../access/api-key.js';
import type { Context } from '../access/context.js';
import type { KeyRecord } from '../keys/verifier.js';
import { errors } from '../schema/errors.js';
import { assertOwnTrigger } from '../triggers/service.js';
import { decodeEventCursor, eventCursor, latestSeq, readEvents, type StoredEvent } from './log.js';
import { eventStream, type StreamItem } from './stream.js';

const afterOf = (after: string | null | undefined) => (after ? decodeEventCursor(after, ['after']) : 0n);

/** The soonest moment a key can stop working without a change notice (expiry, end of a regeneration's grace). */
function expiryOf(key: KeyRecord): Date | null {
  const now = Date.now();
  const moments = [key.expiresAt, key.previousHashExpiresAt].flatMap((at) => (at && at.getTime() > now ? [at.getTime()] : []));
  return moments.length > 0 ? new Date(Math.min(...moments)) : null;
}

/** The query: one page of this key's events after the cursor, oldest first. */
export async function keyEventsPage(ctx: Context, key: KeyRecord, args: { triggerId: string | null; after: string | null; first: number }) {
  if (args.triggerId) await assertOwnTrigger(ctx, key, args.triggerId);
  const rows = await readEvents(ctx.prisma, { teamId: key.teamId, apiKeyId: key.id, triggerId: args.triggerId }, afterOf(args.after), args.first + 1);
  const events = rows.slice(0, args.first);
  const last = events.at(-1);
  return { events, endCursor: last ? eventCursor(last.seq) : args.after, hasMore: rows.length > args.first };
}

/**
 * The console's log: the team's stored events before the cursor, newest first (optionally one
 * trigger's, one component's). A trigger of another team answers NOT_FOUND.
 */
export async function teamEventsPage(ctx: Context, teamId: string, args: { before: string | null; first: number; triggerId: string | null; component: string | null }) {
  if (args.triggerId && !(await ctx.prisma.trigger.findFirst({ where: { id: args.triggerId, teamId }, select: { id: true } }))) throw errors.notFound('Trigger');
  const rows = await ctx.prisma.triggerEvent.findMany({
    where: {
      teamId,
      ...(args.triggerId ? { triggerId: args.triggerId } : {}),
      ...(args.component ? { component: args.component } : {}),
      ...(args.before ? { seq: { lt: decodeEventCursor(args.before, ['before']) } } : {}),
    },
    select: { id: true, seq: true, teamId: true, triggerId: true, apiKeyId: true, component: true, payload: true, occurredAt: true },
    orderBy: { seq: 'desc' },
    take: args.first + 1,
  });
  const events = rows.slice(0, args.first);
  const last = events.at(-1);
  return { events, endCursor: last ? eventCursor(last.seq) : args.before, hasMore: rows.length > args.first };
}

/**
 * The subscription: this key's events after the cursor, then live. It ends with the reason when the
 * key is revoked, deleted, regenerated without grace, expires, or loses READ.
 */
export async function keyEventStream(ctx: Context, key: KeyRecord, args: { triggerId: string | null; after: string | null }): Promise<AsyncIterableIterator<StreamItem>> {
  if (args.triggerId) await assertOwnTrigger(ctx, key, args.triggerId);
  return eventStream({
    prisma: ctx.prisma,
    fanout: ctx.events,
    filter: { teamId: key.teamId, apiKeyId: key.id, triggerId: args.triggerId },
    after: afterOf(args.after),
    recheck: async () => {
      const current = await ctx.recheckApiKey();
      assertKeyHolds(current, { scope: 'READ' });
      return expiryOf(current);
    },
    recheckAt: expiryOf(key),
  });
}

/** The console's live view: every new event of the team, for any member. */
export async function teamEventStream(ctx: Context, teamId: string): Promise<AsyncIterableIterator<StreamItem>> {
  // Another team's id answers NOT_FOUND.
  await (await ctx.requireViewer()).access.assertRole(teamId, 'MEMBER');
  return eventStream({ prisma: ctx.prisma, fanout: ctx.events, filter: { teamId }, after: await latestSeq(ctx.prisma, teamId) });
}

/** The item that ends a stream is thrown by the field's resolver, so the client gets it as the error. */
export function eventOrError(item: StreamItem): StoredEvent {
  if (item instanceof Error) throw item;
  return item;
}
