import type { PrismaClient, Prisma } from '../../db/client.js';
import { decodeCursor, encodeCursor } from '../../schema/pagination.js';
import { ActionError } from '../../catalog/define.js';
import { appendToTriggers } from '../../events/log.js';

/** The team's own JSON records. Every query names the team: another team's records do not exist here. */
export interface RecordShape {
  id: string;
  collection: string;
  data: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

type Row = { id: string; collection: string; data: Prisma.JsonValue; createdAt: Date; updatedAt: Date };

export function toRecord(row: Row): RecordShape {
  return { id: row.id, collection: row.collection, data: row.data as Record<string, unknown>, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

const notFound = () => new ActionError('NOT_FOUND', 'No record with this id in this collection.');

/** The records.* triggers listening on this collection get the change, in the change's own transaction. */
const announce = (tx: Prisma.TransactionClient, teamId: string, component: string, record: RecordShape) =>
  appendToTriggers(tx, teamId, component, { config: { path: ['collection'], equals: record.collection } }, { record });

export async function createRecord(prisma: PrismaClient, teamId: string, collection: string, data: Record<string, unknown>) {
  return prisma.$transaction(async (tx) => {
    const record = toRecord(await tx.record.create({ data: { teamId, collection, data: data as Prisma.InputJsonObject } }));
    await announce(tx, teamId, 'records.created', record);
    return record;
  });
}

export async function getRecord(prisma: PrismaClient, teamId: string, collection: string, id: string) {
  const row = await prisma.record.findFirst({ where: { id, teamId, collection } });
  if (!row) throw notFound();
  return toRecord(row);
}

export async function listRecords(prisma: PrismaClient, teamId: string, collection: string, first: number, after?: string) {
  const cursor = after ? decodeCursor(after, ['input', 'after']) : null;
  const rows = await prisma.record.findMany({
    where: {
      teamId,
      collection,
      ...(cursor ? { OR: [{ createdAt: { gt: cursor.at } }, { createdAt: cursor.at, id: { gt: cursor.id } }] } : {}),
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: first + 1,
  });
  const page = rows.slice(0, first);
  const last = page.at(-1);
  return { records: page.map(toRecord), endCursor: last ? encodeCursor(last.createdAt, last.id) : null, hasMore: rows.length > first };
}

export async function updateRecord(prisma: PrismaClient, teamId: string, collection: string, id: string, data: Record<string, unknown>) {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.record.updateMany({ where: { id, teamId, collection }, data: { data: data as Prisma.InputJsonObject } });
    if (count === 0) throw notFound();
    const record = toRecord(await tx.record.findFirstOrThrow({ where: { id, teamId, collection } }));
    await announce(tx, teamId, 'records.updated', record);
    return record;
  });
}

export async function deleteRecord(prisma: PrismaClient, teamId: string, collection: string, id: string) {
  return prisma.$transaction(async (tx) => {
    // RETURNING gives the record exactly as it was deleted, even under a concurrent update.
    const [deleted] = await tx.$queryRaw<Row[]>`DELETE FROM "record" WHERE "id" = ${id} AND "teamId" = ${teamId} AND "collection" = ${collection} RETURNING "id", "collection", "data", "createdAt", "updatedAt"`;
    if (!deleted) throw notFound();
    await announce(tx, teamId, 'records.deleted', toRecord(deleted));
    return { id, deleted: true as const };
  });
}
