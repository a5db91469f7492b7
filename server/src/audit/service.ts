import type { Context, Viewer } from '../access/context.js';
import type { Prisma } from '../db/client.js';
import { decodeCursor, encodeCursor, pageSize } from '../schema/pagination.js';

type Tx = Pick<Context['prisma'], 'auditEntry'>;

export interface AuditInput {
  teamId: string;
  action: string;
  targetType: string;
  targetId: string | null;
  /** What changed, in product words. Never a secret or a credential. */
  details?: Prisma.InputJsonObject;
}

/**
 * Who did what to which target, when and from where; written in the same transaction as the change.
 * `viewer` is null for what the server does on its own (a provider clean-up that failed).
 */
export function audit(tx: Tx, ctx: Context, viewer: Viewer | null, entry: AuditInput) {
  return tx.auditEntry.create({
    data: { ...entry, actorId: viewer?.userId ?? null, actorEmail: viewer?.email ?? null, ip: ctx.clientIp },
  });
}

export async function auditPage(ctx: Context, teamId: string, first: number | null | undefined, after: string | null | undefined) {
  const size = pageSize(first, ['first'], { fallback: 50, max: 200 });
  const cursor = after ? decodeCursor(after, ['after']) : null;
  const rows = await ctx.prisma.auditEntry.findMany({
    where: { teamId, ...(cursor ? { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: size + 1,
  });
  const entries = rows.slice(0, size);
  const last = entries.at(-1);
  return { entries, endCursor: last ? encodeCursor(last.createdAt, last.id) : null, hasMore: rows.length > size };
}
