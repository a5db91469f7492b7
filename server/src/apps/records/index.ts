import { defineAction, defineApp, defineTrigger, type JsonSchema, JSON_SCHEMA_2020 } from '../../catalog/define.js';
import type { InputIssue } from '../../schema/errors.js';
import { createRecord, deleteRecord, getRecord, listRecords, updateRecord } from './service.js';

export const MAX_DATA_BYTES = 256 * 1024;

const collection: JsonSchema = {
  type: 'string',
  description: 'The collection name: 1–64 letters, digits, "_" or "-".',
  pattern: '^[A-Za-z0-9_-]{1,64}$',
};
const id: JsonSchema = { type: 'string', description: 'The record id.', minLength: 1, maxLength: 64 };
const data: JsonSchema = { type: 'object', description: 'The record content: any JSON object up to 256 KiB.' };
const record: JsonSchema = {
  type: 'object',
  required: ['id', 'collection', 'data', 'createdAt', 'updatedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    collection: { type: 'string' },
    data: { type: 'object' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
const inputOf = (properties: Record<string, JsonSchema>, required: string[]): JsonSchema => ({
  $schema: JSON_SCHEMA_2020,
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});
const outputOf = (schema: JsonSchema): JsonSchema => ({ $schema: JSON_SCHEMA_2020, ...schema });

function dataSize(input: { data: unknown }): InputIssue[] {
  return Buffer.byteLength(JSON.stringify(input.data)) > MAX_DATA_BYTES ? [{ path: ['input', 'data'], message: 'must be at most 256 KiB of JSON' }] : [];
}

const recordTrigger = (name: string, description: string) =>
  defineTrigger({
    name,
    description,
    scope: 'READ',
    inputSchema: inputOf({ collection }, ['collection']),
    outputSchema: outputOf({ type: 'object', required: ['record'], additionalProperties: false, properties: { record } }),
  });

type WithData = { collection: string; data: Record<string, unknown> };
type ById = { collection: string; id: string };

export const records = defineApp({
  key: 'records',
  name: 'Records',
  description: "The team's own JSON records, kept by Latchkey in named collections.",
  needsConnection: false,
  components: [
    defineAction<WithData, unknown>({
      name: 'create',
      description: 'Create a record in a collection.',
      scope: 'WRITE',
      inputSchema: inputOf({ collection, data }, ['collection', 'data']),
      outputSchema: outputOf(record),
      timeoutMs: 10_000,
      validate: dataSize,
      run: ({ prisma, teamId, input }) => createRecord(prisma, teamId, input.collection, input.data),
    }),
    defineAction<ById, unknown>({
      name: 'get',
      description: 'Read one record by id. A missing id fails the run with NOT_FOUND.',
      scope: 'READ',
      inputSchema: inputOf({ collection, id }, ['collection', 'id']),
      outputSchema: outputOf(record),
      timeoutMs: 10_000,
      run: ({ prisma, teamId, input }) => getRecord(prisma, teamId, input.collection, input.id),
    }),
    defineAction<{ collection: string; first: number; after?: string }, unknown>({
      name: 'list',
      description: 'List the records of a collection, oldest first, a page at a time.',
      scope: 'READ',
      inputSchema: inputOf(
        {
          collection,
          first: { type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Page size, 1–100.' },
          after: { type: 'string', description: 'The endCursor of the previous page.' },
        },
        ['collection'],
      ),
      outputSchema: outputOf({
        type: 'object',
        required: ['records', 'endCursor', 'hasMore'],
        additionalProperties: false,
        properties: { records: { type: 'array', items: record }, endCursor: { type: ['string', 'null'] }, hasMore: { type: 'boolean' } },
      }),
      timeoutMs: 10_000,
      run: ({ prisma, teamId, input }) => listRecords(prisma, teamId, input.collection, input.first, input.after),
    }),
    defineAction<WithData & { id: string }, unknown>({
      name: 'update',
      description: "Replace a record's data.",
      scope: 'WRITE',
      inputSchema: inputOf({ collection, id, data }, ['collection', 'id', 'data']),
      outputSchema: outputOf(record),
      timeoutMs: 10_000,
      validate: dataSize,
      run: ({ prisma, teamId, input }) => updateRecord(prisma, teamId, input.collection, input.id, input.data),
    }),
    defineAction<ById, unknown>({
      name: 'delete',
      description: 'Delete a record.',
      scope: 'DELETE',
      inputSchema: inputOf({ collection, id }, ['collection', 'id']),
      outputSchema: outputOf({
        type: 'object',
        required: ['id', 'deleted'],
        additionalProperties: false,
        properties: { id: { type: 'string' }, deleted: { const: true } },
      }),
      timeoutMs: 10_000,
      run: ({ prisma, teamId, input }) => deleteRecord(prisma, teamId, input.collection, input.id),
    }),
    recordTrigger('created', 'A record was created in the collection.'),
    recordTrigger('updated', "A record's data was replaced in the collection."),
    recordTrigger('deleted', 'A record was deleted from the collection; the event holds the record as it was.'),
  ],
});
