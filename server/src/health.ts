import type { Services } from './access/context.js';
import { pendingMigrations } from './db/migrator.js';

export async function readiness({ prisma }: Services): Promise<{ ready: boolean; database: string; pendingMigrations?: string[] }> {
  try {
    const pending = await pendingMigrations((sql) => prisma.$queryRawUnsafe(sql));
    return pending.length === 0 ? { ready: true, database: 'ok' } : { ready: false, database: 'ok', pendingMigrations: pending };
  } catch {
    return { ready: false, database: 'unreachable' };
  }
}
