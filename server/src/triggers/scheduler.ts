import type { PrismaClient } from '../db/client.js';
import { appendEvent } from '../events/log.js';
import type { Logger } from '../log.js';

export const SCHEDULE_COMPONENT = 'schedule.interval';

/** How many due triggers one transaction claims. */
const CLAIM_BATCH = 100;
/** How many expired events one retention statement deletes. */
const RETENTION_BATCH = 5_000;
const HOUR = 60 * 60 * 1000;

interface Claimed {
  id: string;
  teamId: string;
  apiKeyId: string;
  scheduledFor: Date;
  seconds: number;
  firedAt: Date;
}

/**
 * Fires due schedule.interval triggers, once per slot however many instances run: the due rows are
 * claimed with FOR UPDATE SKIP LOCKED and moved to their next future slot (after a long pause: one
 * fire, no catch-up burst), and their events appended, all in one transaction. The event's
 * deliveryId is the slot, so even a double claim could not store two events for it.
 * Returns how many triggers fired.
 */
export async function fireDueSchedules(prisma: PrismaClient): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const claimed = await tx.$queryRaw<Claimed[]>`
      WITH due AS (
        SELECT t."id", t."nextFireAt" AS "scheduledFor", GREATEST(1, (t."config"->>'seconds')::int) AS "seconds",
               (now() AT TIME ZONE 'UTC')::timestamp(3) AS "firedAt"
        FROM "trigger" t
        WHERE t."component" = ${SCHEDULE_COMPONENT} AND t."status" = 'ACTIVE' AND t."nextFireAt" <= (now() AT TIME ZONE 'UTC')::timestamp(3)
        ORDER BY t."nextFireAt"
        LIMIT ${CLAIM_BATCH}
        FOR UPDATE OF t SKIP LOCKED
      )
      UPDATE "trigger" AS t
      SET "nextFireAt" = due."scheduledFor" + make_interval(secs => due."seconds" * (GREATEST(0, floor(extract(epoch FROM (due."firedAt" - due."scheduledFor")) / due."seconds")) + 1))
      FROM due
      WHERE t."id" = due."id"
      RETURNING t."id", t."teamId", t."apiKeyId", due."scheduledFor", due."seconds", due."firedAt"`;
    // Team locks in one order, so two instances' batches cannot deadlock on them.
    claimed.sort((a, b) => (a.teamId < b.teamId ? -1 : a.teamId > b.teamId ? 1 : a.id < b.id ? -1 : 1));
    for (const trigger of claimed) {
      const scheduledFor = trigger.scheduledFor.toISOString();
      await appendEvent(tx, {
        teamId: trigger.teamId,
        triggerId: trigger.id,
        apiKeyId: trigger.apiKeyId,
        component: SCHEDULE_COMPONENT,
        deliveryId: scheduledFor,
        payload: { firedAt: trigger.firedAt.toISOString(), scheduledFor, seconds: Number(trigger.seconds) },
      });
    }
    return claimed.length;
  });
}

/**
 * Deletes trigger events older than `days`, in batches, one instance at a time: each batch takes a
 * transaction-scoped advisory lock and the job stops when another instance holds it.
 * Returns how many events were deleted.
 */
export async function deleteExpiredEvents(prisma: PrismaClient, days: number, batch = RETENTION_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await prisma.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended('latchkey:event-retention', 0)) AS "locked"`;
      if (!lock?.locked) return -1;
      return tx.$executeRaw`
        DELETE FROM "trigger_event" WHERE "id" IN (
          SELECT "id" FROM "trigger_event"
          WHERE "occurredAt" < (now() AT TIME ZONE 'UTC') - make_interval(days => ${days}::int)
          LIMIT ${batch}::int
        )`;
    });
    if (deleted < 0) return total;
    total += deleted;
    if (deleted < batch) return total;
  }
}

/** Each instance's loops: due schedules every `tickMs`, retention hourly. Timers are unref'd. */
export class Scheduler {
  private tickTimer: NodeJS.Timeout | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> = Promise.resolve();
  private retaining: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly log: Logger,
    private readonly options: { retentionDays: number; tickMs?: number; retentionEveryMs?: number; retentionFirstAfterMs?: number },
  ) {}

  start(): void {
    this.stopped = false;
    this.scheduleTick();
    this.retentionTimer = setTimeout(() => this.retention(), this.options.retentionFirstAfterMs ?? 60_000);
    this.retentionTimer.unref();
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    this.tickTimer = setTimeout(() => {
      this.ticking = this.tick().finally(() => this.scheduleTick());
    }, this.options.tickMs ?? 250);
    this.tickTimer.unref();
  }

  private async tick(): Promise<void> {
    try {
      // A full batch means more may be due: go on until the backlog is cleared.
      while (!this.stopped && (await fireDueSchedules(this.prisma)) === CLAIM_BATCH);
    } catch (error) {
      if (!this.stopped) this.log.error({ err: error }, 'could not fire scheduled triggers; will retry');
    }
  }

  private retention(): void {
    if (this.stopped) return;
    this.retaining = deleteExpiredEvents(this.prisma, this.options.retentionDays)
      .then((deleted) => {
        if (deleted > 0) this.log.info({ deleted }, `deleted trigger events older than ${this.options.retentionDays} days`);
      })
      .catch((error) => this.log.error({ err: error }, 'event retention failed; will retry'))
      .finally(() => {
        if (this.stopped) return;
        this.retentionTimer = setTimeout(() => this.retention(), this.options.retentionEveryMs ?? HOUR);
        this.retentionTimer.unref();
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.tickTimer);
    clearTimeout(this.retentionTimer);
    await Promise.all([this.ticking, this.retaining]);
  }
}
