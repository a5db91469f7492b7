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

/** How often an idle console subscription re-checks its session and membership. */
const MEMBERSHIP_RECHECK_MS = 15_000;

/**
 * The console's live view: the team's events after the cursor (replayed in order), or from now,
 * for any member. It ends with UNAUTHENTICATED once the session is signed out, or FORBIDDEN once the
 * viewer is no longer in the team: checked before each event is handed over, and every 15 seconds.
 */
export async function teamEventStream(ctx: Context, teamId: string, after: string | null): Promise<AsyncIterableIterator<StreamItem>> {
  const viewer = await ctx.requireViewer();
  // Another team's id answers NOT_FOUND.
  await viewer.access.assertRole(teamId, 'MEMBER');
  const stillMember = async () => {
    const session = await ctx.auth.api.getSession({ headers: ctx.headers, query: { disableCookieCache: true } });
    if (!session || session.user.id !== viewer.userId) throw errors.unauthenticated('Your session has ended: sign in again.');
    const member = await ctx.prisma.member.findUnique({ where: { teamId_userId: { teamId, userId: viewer.userId } }, select: { id: true } });
    if (!member) throw errors.forbidden('ROLE_REQUIRED', 'You are no longer a member of this team.', { requiredRole: 'MEMBER' });
  };
  const nextCheck = () => new Date(Date.now() + MEMBERSHIP_RECHECK_MS);
  const stream = await eventStream({
    prisma: ctx.prisma,
    fanout: ctx.events,
    filter: { teamId },
    after: after ? decodeEventCursor(after, ['after']) : await latestSeq(ctx.prisma, teamId),
    recheck: async () => {
      await stillMember();
      return nextCheck();
    },
    recheckAt: nextCheck(),
  });
  return checkedBeforeEach(stream, stillMember);
}

/**
 * Runs `check` before handing over each event; once it throws, its error is the last item. `return()`
 * reaches the inner stream at once, even while a `next()` waits (an async generator would wait).
 */
function checkedBeforeEach(inner: AsyncIterableIterator<StreamItem>, check: () => Promise<void>): AsyncIterableIterator<StreamItem> {
  let ended = false;
  const done = (): IteratorResult<StreamItem> => ({ value: undefined, done: true });
  const iterator: AsyncIterableIterator<StreamItem> = {
    async next() {
      if (ended) return done();
      const result = await inner.next();
      if (result.done || result.value instanceof Error) return result;
      try {
        await check();
      } catch (error) {
        ended = true;
        void inner.return?.();
        return { value: error instanceof Error ? error : new Error(String(error)), done: false };
      }
      return ended ? done() : result;
    },
    async return() {
      ended = true;
      await inner.return?.();
      return done();
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** The item that ends a stream is thrown by the field's resolver, so the client gets it as the error. */
export function eventOrError(item: StreamItem): StoredEvent {
  if (item instanceof Error) throw item;
  return item;
}
