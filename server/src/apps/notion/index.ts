import { defineAction, defineApp, defineTrigger, type JsonSchema, JSON_SCHEMA_2020, objectSchema } from '../../catalog/define.js';
import { asCheckError, notionRequest, type NotionCredentials } from './client.js';

const TIMEOUT_MS = 20_000;

/** Notion ids are UUIDs, with or without dashes. */
const notionId: JsonSchema = { type: 'string', pattern: '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$' };
const notionObject: JsonSchema = { type: 'object', description: "A Notion object, in Notion's own shape (API version 2022-06-28)." };
const blocks: JsonSchema = { type: 'array', items: { type: 'object', description: 'A Notion block object.' }, minItems: 1, maxItems: 100 };

const credentialsSchema: JsonSchema = {
  $schema: JSON_SCHEMA_2020,
  title: 'Notion workspace',
  ...objectSchema(
    {
      token: {
        type: 'string',
        title: 'Integration token',
        description: 'The internal integration secret (Notion → Settings → Connections → Develop or manage integrations). Share pages and databases with the integration.',
        minLength: 1,
        writeOnly: true,
      },
    },
    ['token'],
  ),
};

const triggerConfig: JsonSchema = {
  $schema: JSON_SCHEMA_2020,
  ...objectSchema({ databaseId: { ...notionId, description: 'Only events of pages in this database.' } }, []),
};
const eventPayload: JsonSchema = {
  $schema: JSON_SCHEMA_2020,
  type: 'object',
  required: ['type', 'entity', 'timestamp'],
  properties: {
    type: { type: 'string', description: 'For example "page.created".' },
    entity: objectSchema({ id: { type: 'string' }, type: { type: 'string' } }, ['id', 'type']),
    data: { type: 'object', description: "The event's data as Notion sends it." },
    timestamp: { type: 'string', format: 'date-time' },
  },
};

interface CreatePageInput {
  parent: { databaseId: string } | { pageId: string };
  properties: Record<string, unknown>;
  children?: unknown[];
}
interface QueryDatabaseInput {
  databaseId: string;
  filter?: Record<string, unknown>;
  sorts?: unknown[];
  first?: number;
  after?: string;
}
type NotionList = { results: unknown[]; next_cursor: string | null; has_more: boolean };

const deadline = () => Date.now() + TIMEOUT_MS;
const segment = (id: string) => encodeURIComponent(id);

export const notion = defineApp({
  key: 'notion',
  name: 'Notion',
  description: 'Create pages, query databases and append blocks in a Notion workspace, and receive its page and comment events.',
  needsConnection: true,
  connection: {
    credentialsSchema,
    async check(credentials: NotionCredentials, { config, signal }) {
      try {
        await notionRequest(config, credentials, 'GET', '/v1/users/me', undefined, signal, Date.now());
        return { permissions: ['read', 'write'] };
      } catch (error) {
        throw asCheckError(error);
      }
    },
  },
  components: [
    defineAction<CreatePageInput, { id: string; url: string }>({
      name: 'createPage',
      description: 'Create a page in a database (with its properties) or under a page.',
      scope: 'WRITE',
      requiredPermissions: ['write'],
      inputSchema: {
        $schema: JSON_SCHEMA_2020,
        ...objectSchema(
          {
            parent: {
              type: 'object',
              oneOf: [
                objectSchema({ databaseId: notionId }, ['databaseId'], { title: 'In a database' }),
                objectSchema({ pageId: notionId }, ['pageId'], { title: 'Under a page' }),
              ],
            },
            properties: { type: 'object', description: "Property values in Notion's shape, for example { \"Name\": { \"title\": [{ \"text\": { \"content\": \"Hello\" } }] } }." },
            children: { ...blocks, description: 'Blocks for the page content (at most 100).' },
          },
          ['parent', 'properties'],
        ),
      },
      outputSchema: { $schema: JSON_SCHEMA_2020, ...objectSchema({ id: { type: 'string' }, url: { type: 'string', format: 'uri' } }, ['id', 'url']) },
      timeoutMs: TIMEOUT_MS,
      async run({ input, connection, config, signal }) {
        const parent = 'databaseId' in input.parent ? { database_id: input.parent.databaseId } : { page_id: input.parent.pageId };
        const page = await notionRequest<{ id: string; url: string }>(
          config,
          connection!.credentials,
          'POST',
          '/v1/pages',
          { parent, properties: input.properties, ...(input.children ? { children: input.children } : {}) },
          signal,
          deadline(),
        );
        return { id: page.id, url: page.url };
      },
    }),
    defineAction<QueryDatabaseInput, { results: unknown[]; nextCursor: string | null; hasMore: boolean }>({
      name: 'queryDatabase',
      description: "Query a database's pages with Notion's filter and sorts, a page at a time.",
      scope: 'READ',
      requiredPermissions: ['read'],
      inputSchema: {
        $schema: JSON_SCHEMA_2020,
        ...objectSchema(
          {
            databaseId: notionId,
            filter: { type: 'object', description: "A Notion filter object, for example { \"property\": \"Status\", \"select\": { \"equals\": \"Done\" } }." },
            sorts: { type: 'array', items: { type: 'object' }, description: 'Notion sort objects.' },
            first: { type: 'integer', minimum: 1, maximum: 100, description: 'Page size, 1–100 (Notion defaults to 100).' },
            after: { type: 'string', minLength: 1, description: 'The nextCursor of the previous page.' },
          },
          ['databaseId'],
        ),
      },
      outputSchema: {
        $schema: JSON_SCHEMA_2020,
        ...objectSchema({ results: { type: 'array', items: notionObject }, nextCursor: { type: ['string', 'null'] }, hasMore: { type: 'boolean' } }, ['results', 'nextCursor', 'hasMore']),
      },
      timeoutMs: TIMEOUT_MS,
      async run({ input, connection, config, signal }) {
        const body = {
          ...(input.filter ? { filter: input.filter } : {}),
          ...(input.sorts ? { sorts: input.sorts } : {}),
          ...(input.first ? { page_size: input.first } : {}),
          ...(input.after ? { start_cursor: input.after } : {}),
        };
        const list = await notionRequest<NotionList>(config, connection!.credentials, 'POST', `/v1/databases/${segment(input.databaseId)}/query`, body, signal, deadline());
        return { results: list.results, nextCursor: list.next_cursor ?? null, hasMore: list.has_more };
      },
    }),
    defineAction<{ blockId: string; children: unknown[] }, { results: unknown[] }>({
      name: 'appendBlocks',
      description: 'Append blocks to a page or block.',
      scope: 'WRITE',
      requiredPermissions: ['write'],
      inputSchema: {
        $schema: JSON_SCHEMA_2020,
        ...objectSchema({ blockId: { ...notionId, description: 'The page or block to append to.' }, children: { ...blocks, description: 'Notion block objects (at most 100).' } }, ['blockId', 'children']),
      },
      outputSchema: { $schema: JSON_SCHEMA_2020, ...objectSchema({ results: { type: 'array', items: notionObject } }, ['results']) },
      timeoutMs: TIMEOUT_MS,
      async run({ input, connection, config, signal }) {
        const list = await notionRequest<NotionList>(config, connection!.credentials, 'PATCH', `/v1/blocks/${segment(input.blockId)}/children`, { children: input.children }, signal, deadline());
        return { results: list.results };
      },
    }),
    defineTrigger({
      name: 'pageCreated',
      description: 'A page was created (optionally: in one database).',
      scope: 'READ',
      requiredPermissions: ['read'],
      inputSchema: triggerConfig,
      outputSchema: eventPayload,
    }),
    defineTrigger({
      name: 'pageUpdated',
      description: "A page's properties or content changed (optionally: in one database).",
      scope: 'READ',
      requiredPermissions: ['read'],
      inputSchema: triggerConfig,
      outputSchema: eventPayload,
    }),
    defineTrigger({
      name: 'commentCreated',
      description: 'A comment was added to a page.',
      scope: 'READ',
      requiredPermissions: ['read'],
      inputSchema: triggerConfig,
      outputSchema: eventPayload,
    }),
  ],
});
