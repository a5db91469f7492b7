import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../log.js';

/**
 * `lastUsedAt` without a write per request: uses are collected in memory and written in one
 * statement at most every `intervalMs`, and at shutdown.
 */
export class KeyUsage {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly log: Logger,
    private readonly intervalMs = 30_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  touch(keyId: string, at: number): void {
    const previous = this.pending.get(keyId);
    if (previous === undefined || previous < at) this.pending.set(keyId, at);
  }

  /** The last use seen by this instance and not yet written, if any. */
  pendingFor(keyId: string): Date | null {
    const at = this.pending.get(keyId);
    return at === undefined ? null : new Date(at);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const ids = [...batch.keys()];
    const times = ids.map((id) => new Date(batch.get(id)!).toISOString());
    try {
      await this.prisma.$executeRaw`
        UPDATE "api_key" AS k SET "lastUsedAt" = GREATEST(COALESCE(k."lastUsedAt", u.at), u.at)
        FROM (SELECT unnest(${ids}::text[]) AS id, (unnest(${times}::timestamptz[]) AT TIME ZONE 'UTC')::timestamp(3) AS at) AS u
        WHERE k.id = u.id`;
    } catch (error) {
      this.log.warn({ err: error }, 'could not record key usage; will retry');
      for (const [id, at] of batch) this.touch(id, at);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
