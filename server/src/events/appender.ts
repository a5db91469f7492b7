import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../log.js';
import { EVENTS_CHANNEL, type NewEvent, type StoredEvent } from './log.js';

/** What became of one appended event. */
export type AppendResult = { stored: StoredEvent } | { duplicate: true } | { triggerGone: true };

interface Pending {
  event: NewEvent;
  id: string;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

interface TeamQueue {
  waiting: Pending[];
  flushing: boolean;
}

/** At most this many events go into one statement. */
const MAX_BATCH = 256;

/**
 * Group commit for events that are not part of another write (inbound webhook deliveries): the
 * events of one team that arrive while its previous batch commits are written together, in one
 * statement and one transaction. The team's advisory lock is taken inside that statement and held
 * only until its commit, so a team's events still commit in seq order (see appendEvent), but a
 * hundred concurrent deliveries cost a few commits instead of a hundred lock-holding transactions.
 * Each caller's promise resolves once its event is durable (or known to be a redelivery).
 */
export class EventAppender {
  private readonly teams = new Map<string, TeamQueue>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly log: Logger,
  ) {}

  append(event: NewEvent): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      let queue = this.teams.get(event.teamId);
      if (!queue) {
        queue = { waiting: [], flushing: false };
        this.teams.set(event.teamId, queue);
      }
      queue.waiting.push({ event, id: randomUUID(), resolve, reject });
      if (!queue.flushing) void this.flush(event.teamId, queue);
    });
  }

  private async flush(teamId: string, queue: TeamQueue): Promise<void> {
    queue.flushing = true;
    try {
      while (queue.waiting.length > 0) {
        const batch = queue.waiting.splice(0, MAX_BATCH);
        try {
          settle(batch, await this.write(teamId, batch));
        } catch (error) {
          // One bad event (say, a trigger deleted this very moment) must not fail the others: each
          // is written on its own then, and only the one that fails again fails its delivery.
          if (batch.length === 1) batch[0]!.reject(error);
          else {
            this.log.warn({ err: error, teamId, events: batch.length }, 'an event batch failed; writing its events one by one');
            await Promise.all(batch.map((pending) => this.write(teamId, [pending]).then((results) => settle([pending], results), pending.reject)));
          }
        }
      }
    } finally {
      queue.flushing = false;
      if (queue.waiting.length === 0) this.teams.delete(teamId);
      else void this.flush(teamId, queue);
    }
  }

  /**
   * One statement, committed on its own: takes the team's lock, inserts every event whose trigger
   * still exists in this team and is ACTIVE (a redelivery of a stored delivery id is skipped), stamps the triggers' lastEventAt
   * and notifies the fan-out once.
   */
  private async write(teamId: string, batch: Pending[]): Promise<Map<string, StoredEvent | 'duplicate' | 'gone'>> {
    const input = JSON.stringify(
      batch.map(({ id, event }, ord) => ({ ord, id, triggerId: event.triggerId, apiKeyId: event.apiKeyId, component: event.component, deliveryId: event.deliveryId ?? null, payload: event.payload ?? null })),
    );
    const rows = await this.prisma.$queryRawUnsafe<(StoredEvent & { present: boolean })[]>(
      `WITH team_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtextextended($1, 0)) AS locked),
       input AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(ord int, id text, "triggerId" text, "apiKeyId" text, component text, "deliveryId" text, payload jsonb)),
       present AS (SELECT input.* FROM input JOIN "trigger" t ON t."id" = input."triggerId" AND t."teamId" = $3 AND t."status" = 'ACTIVE'),
       inserted AS (
         INSERT INTO "trigger_event" ("id", "teamId", "triggerId", "apiKeyId", "component", "deliveryId", "payload")
         SELECT present."id", $3, present."triggerId", present."apiKeyId", present."component", present."deliveryId", COALESCE(present."payload", 'null'::jsonb)
         FROM present CROSS JOIN team_lock ORDER BY present."ord"
         ON CONFLICT ("triggerId", "deliveryId") DO NOTHING
         RETURNING "id", "seq", "teamId", "triggerId", "apiKeyId", "component", "payload", "occurredAt"),
       stamped AS (
         UPDATE "trigger" t SET "lastEventAt" = latest."at"
         FROM (SELECT "triggerId", max("occurredAt") AS "at" FROM inserted GROUP BY "triggerId") latest
         WHERE t."id" = latest."triggerId"),
       notified AS (SELECT pg_notify($4, $3) FROM (SELECT 1 FROM inserted LIMIT 1) one)
       SELECT inserted.*, true AS "present" FROM inserted, (SELECT count(*) FROM notified) n
       UNION ALL
       SELECT present."id", NULL, NULL, present."triggerId", NULL, NULL, NULL, NULL, true FROM present WHERE NOT EXISTS (SELECT 1 FROM inserted WHERE inserted."id" = present."id")`,
      `events:${teamId}`,
      input,
      teamId,
      EVENTS_CHANNEL,
    );
    const results = new Map<string, StoredEvent | 'duplicate' | 'gone'>();
    for (const row of rows) {
      if (row.seq === null) results.set(row.id, 'duplicate');
      else {
        const { present: _present, ...stored } = row;
        results.set(row.id, stored);
      }
    }
    return results;
  }
}

function settle(batch: Pending[], results: Map<string, StoredEvent | 'duplicate' | 'gone'>): void {
  for (const pending of batch) {
    const result = results.get(pending.id) ?? 'gone';
    pending.resolve(result === 'duplicate' ? { duplicate: true } : result === 'gone' ? { triggerGone: true } : { stored: result });
  }
}
