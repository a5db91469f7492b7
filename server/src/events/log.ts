import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '../db/client.js';
import { errors } from '../schema/errors.js';

export const EVENTS_CHANNEL = 'latchkey_events';

/** One stored event, as the log and the fan-out hand it around. */
export interface StoredEvent {
  id: string;
  seq: bigint;
  teamId: string;
  triggerId: string;
  apiKeyId: string;
  component: string;
  payload: unknown;
  occurredAt: Date;
}

export interface NewEvent {
  teamId: string;
  triggerId: string;
  apiKeyId: string;
  component: string;
  /** The provider's delivery id: a redelivery of the same id to the same trigger stores nothing. */
  deliveryId?: string | null;
  payload: unknown;
}

/** Cursors are opaque: base64url of the event's seq. */
export function eventCursor(seq: bigint): string {
  return Buffer.from(seq.toString()).toString('base64url');
}

export function decodeEventCursor(cursor: string, path: (string | number)[]): bigint {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{1,19}$/.test(text)) throw errors.badUserInput([{ path, message: 'is not a cursor returned by this API' }]);
  return BigInt(text);
}

/**
 * Appends one event inside the caller's transaction. The team's advisory lock is taken first and
 * held to commit, so a team's events commit in seq order: a reader that has seen seq N never later
 * finds a committed event below N. The NOTIFY is delivered at commit. Returns null for a redelivery.
 */
export async function appendEvent(tx: Prisma.TransactionClient, event: NewEvent): Promise<StoredEvent | null> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`events:${event.teamId}`}, 0))`;
  const rows = await tx.$queryRaw<StoredEvent[]>`
    INSERT INTO "trigger_event" ("id", "teamId", "triggerId", "apiKeyId", "component", "deliveryId", "payload")
    VALUES (${randomUUID()}, ${event.teamId}, ${event.triggerId}, ${event.apiKeyId}, ${event.component}, ${event.deliveryId ?? null}, ${JSON.stringify(event.payload)}::jsonb)
    ON CONFLICT ("triggerId", "deliveryId") DO NOTHING
    RETURNING "id", "seq", "teamId", "triggerId", "apiKeyId", "component", "payload", "occurredAt"`;
  const stored = rows[0];
  if (!stored) return null;
  await tx.trigger.update({ where: { id: event.triggerId }, data: { lastEventAt: stored.occurredAt } });
  await tx.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, ${event.teamId})`;
  return stored;
}

export interface EventFilter {
  teamId: string;
  apiKeyId?: string | null;
  triggerId?: string | null;
}

/** A team's events after `after`, oldest first (optionally one key's, one trigger's). */
export async function readEvents(prisma: PrismaClient, filter: EventFilter, after: bigint, take: number): Promise<StoredEvent[]> {
  return prisma.triggerEvent.findMany({
    where: {
      teamId: filter.teamId,
      ...(filter.apiKeyId ? { apiKeyId: filter.apiKeyId } : {}),
      ...(filter.triggerId ? { triggerId: filter.triggerId } : {}),
      seq: { gt: after },
    },
    select: { id: true, seq: true, teamId: true, triggerId: true, apiKeyId: true, component: true, payload: true, occurredAt: true },
    orderBy: { seq: 'asc' },
    take,
  });
}

/** The seq of the team's newest event (0 when it has none). */
export async function latestSeq(prisma: PrismaClient, teamId: string): Promise<bigint> {
  const latest = await prisma.triggerEvent.findFirst({ where: { teamId }, orderBy: { seq: 'desc' }, select: { seq: true } });
  return latest?.seq ?? 0n;
}

/**
 * Appends an event to every ACTIVE trigger of the team on `component` whose config matches, in the
 * transaction that made the change.
 */
export async function appendToTriggers(tx: Prisma.TransactionClient, teamId: string, component: string, where: Prisma.TriggerWhereInput, payload: unknown): Promise<void> {
  const triggers = await tx.trigger.findMany({ where: { ...where, teamId, component, status: 'ACTIVE' }, select: { id: true, apiKeyId: true }, orderBy: { createdAt: 'asc' } });
  for (const trigger of triggers) await appendEvent(tx, { teamId, triggerId: trigger.id, apiKeyId: trigger.apiKeyId, component, payload });
}
