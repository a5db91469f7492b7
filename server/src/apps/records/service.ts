import type { PrismaClient, Prisma } from '../../db/client.js';
import { decodeCursor, encodeCursor } from '../../schema/pagination.js';
import { ActionError } from '../../catalog/define.js';

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

export async function createRecord(prisma: PrismaClient, teamId: string, collection: string, data: Record<string, unknown>) {
  return toRecord(await prisma.record.create({ data: { teamId, collection, data: data as Prisma.InputJsonObject } }));
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
  const { count } = await prisma.record.updateMany({ where: { id, teamId, collection }, data: { data: data as Prisma.InputJsonObject } });
  if (count === 0) throw notFound();
  return getRecord(prisma, teamId, collection, id);
}

export async function deleteRecord(prisma: PrismaClient, teamId: string, collection: string, id: string) {
  const { count } = await prisma.record.deleteMany({ where: { id, teamId, collection } });
  if (count === 0) throw notFound();
  return { id, deleted: true as const };
}
