import { ActionError, defineAction, defineApp, defineTrigger, type JsonSchema, JSON_SCHEMA_2020, objectSchema } from '../../catalog/define.js';
import { asCheckError, linearRequest, type LinearCredentials } from './client.js';
import { COMMENT_CREATE, ISSUE_CREATE, SEARCH_ISSUES, VIEWER } from './documents.js';

const TIMEOUT_MS = 15_000;

const linearId: JsonSchema = { type: 'string', minLength: 1, maxLength: 100 };
const issueSummary = objectSchema(
  { id: { type: 'string' }, identifier: { type: 'string', description: 'For example "ENG-123".' }, title: { type: 'string' }, url: { type: 'string', format: 'uri' } },
  ['id', 'identifier', 'title', 'url'],
);

const credentialsSchema: JsonSchema = {
  $schema: JSON_SCHEMA_2020,
  title: 'Linear account',
  type: 'object',
  oneOf: [
    objectSchema(
      { apiKey: { type: 'string', title: 'Personal API key', description: 'Linear → Settings → Security & access → Personal API keys.', minLength: 1, writeOnly: true } },
      ['apiKey'],
      { title: 'Personal API key' },
    ),
    objectSchema(
      {
        accessToken: { type: 'string', title: 'OAuth access token', minLength: 1, writeOnly: true },
        scopes: {
          type: 'array',
          title: 'Granted scopes',
          description: 'The scopes the token was granted, for example read, write, admin.',
          items: { type: 'string', minLength: 1 },
          minItems: 1,
          uniqueItems: true,
        },
      },
      ['accessToken', 'scopes'],
      { title: 'OAuth access token' },
    ),
  ],
};

const teamConfig: JsonSchema = {
  $schema: JSON_SCHEMA_2020,
  ...objectSchema({ teamId: { ...linearId, description: 'The Linear team whose events to receive.' } }, ['teamId']),
};
const issueEvent: JsonSchema = {
  $schema: JSON_SCHEMA_2020,
  type: 'object',
  required: ['issue'],
  properties: {
    issue: {
      type: 'object',
      required: ['id', 'identifier', 'title', 'url', 'teamId'],
      properties: { id: { type: 'string' }, identifier: { type: 'string' }, title: { type: 'string' }, url: { type: 'string' }, teamId: { type: 'string' } },
      description: "The issue as Linear's webhook sends it (further fields included).",
    },
    updatedFrom: { type: 'object', description: 'For updates: the previous values of the fields that changed.' },
  },
};

interface CreateIssueInput {
  teamId: string;
  title: string;
  description?: string;
  priority?: number;
  assigneeId?: string;
  labelIds?: string[];
}

type Issue = { id: string; identifier: string; title: string; url: string };

export const linear = defineApp({
  key: 'linear',
  name: 'Linear',
  description: "Create and find issues and comments in a Linear workspace, and receive its issue and comment events.",
  needsConnection: true,
  connection: {
    credentialsSchema,
    async check(credentials: LinearCredentials, { config, signal }) {
      try {
        const { viewer } = await linearRequest<{ viewer: { id: string; name: string; admin: boolean } }>(config, credentials, VIEWER, {}, signal);
        if ('accessToken' in credentials) return { permissions: [...new Set(credentials.scopes)] };
        return { permissions: viewer.admin ? ['read', 'write', 'admin'] : ['read', 'write'] };
      } catch (error) {
        throw asCheckError(error);
      }
    },
  },
  components: [
    defineAction<CreateIssueInput, Issue>({
      name: 'createIssue',
      description: 'Create an issue in a Linear team.',
      scope: 'WRITE',
      requiredPermissions: ['write'],
      inputSchema: {
        $schema: JSON_SCHEMA_2020,
        ...objectSchema(
          {
            teamId: { ...linearId, description: 'The team to create the issue in.' },
            title: { type: 'string', minLength: 1, maxLength: 512 },
            description: { type: 'string', description: 'Markdown.', maxLength: 100_000 },
            priority: { type: 'integer', minimum: 0, maximum: 4, description: '0 none, 1 urgent, 2 high, 3 medium, 4 low.' },
            assigneeId: { ...linearId, description: 'The user to assign.' },
            labelIds: { type: 'array', items: linearId, maxItems: 50, uniqueItems: true },
          },
          ['teamId', 'title'],
        ),
      },
      outputSchema: { $schema: JSON_SCHEMA_2020, ...issueSummary },
      timeoutMs: TIMEOUT_MS,
      async run({ input, connection, config, signal }) {
        const { issueCreate } = await linearRequest<{ issueCreate: { success: boolean; issue: Issue | null } }>(config, connection!.credentials, ISSUE_CREATE, { input }, signal);
        if (!issueCreate.success || !issueCreate.issue) throw new ActionError('PROVIDER_ERROR', 'Linear did not create the issue.');
        const { id, identifier, title, url } = issueCreate.issue;
        return { id, identifier, title, url };
      },
    }),
    defineAction<{ issueId: string; body: string }, { id: string; url: string }>({
      name: 'createComment',
      description: 'Comment on a Linear issue.',
      scope: 'WRITE',
      requiredPermissions: ['write'],
      inputSchema: {
        $schema: JSON_SCHEMA_2020,
        ...objectSchema(
          { issueId: { ...linearId, description: 'The issue id or identifier (for example "ENG-123").' }, body: { type: 'string', minLength: 1, maxLength: 100_000, description: 'Markdown.' } },
          ['issueId', 'body'],
        ),
      },
      outputSchema: { $schema: JSON_SCHEMA_2020, ...objectSchema({ id: { type: 'string' }, url: { type: 'string', format: 'uri' } }, ['id', 'url']) },
      timeoutMs: TIMEOUT_MS,
      async run({ input, connection, config, signal }) {
        const { commentCreate } = await linearRequest<{ commentCreate: { success: boolean; comment: { id: string; url: string } } }>(
          config,
          connection!.credentials,
          COMMENT_CREATE,
          { input: { issueId: input.issueId, body: input.body } },
          signal,
        );
        if (!commentCreate.success) throw new ActionError('PROVIDER_ERROR', 'Linear did not create the comment.');
        return { id: commentCreate.comment.id, url: commentCreate.comment.url };
      },
    }),
    defineAction<{ query: string; first: number }, { issues: Issue[] }>({
      name: 'searchIssues',
      description: 'Find issues by text, best matches first.',
      scope: 'READ',
      requiredPermissions: ['read'],
      inputSchema: {
        $schema: JSON_SCHEMA_2020,
        ...objectSchema(
          { query: { type: 'string', minLength: 1, maxLength: 1000, description: 'The words to look for.' }, first: { type: 'integer', minimum: 1, maximum: 50, default: 10, description: 'How many issues, 1–50.' } },
          ['query'],
        ),
      },
      outputSchema: { $schema: JSON_SCHEMA_2020, ...objectSchema({ issues: { type: 'array', items: issueSummary } }, ['issues']) },
      timeoutMs: TIMEOUT_MS,
      async run({ input, connection, config, signal }) {
        const { searchIssues } = await linearRequest<{ searchIssues: { nodes: Issue[] } }>(config, connection!.credentials, SEARCH_ISSUES, { term: input.query, first: input.first ?? 10 }, signal);
        return { issues: searchIssues.nodes.map(({ id, identifier, title, url }) => ({ id, identifier, title, url })) };
      },
    }),
    defineTrigger({
      name: 'issueCreated',
      description: 'An issue was created in the team.',
      scope: 'READ',
      requiredPermissions: ['admin'],
      inputSchema: teamConfig,
      outputSchema: issueEvent,
    }),
    defineTrigger({
      name: 'issueUpdated',
      description: 'An issue of the team changed; updatedFrom holds the previous values.',
      scope: 'READ',
      requiredPermissions: ['admin'],
      inputSchema: teamConfig,
      outputSchema: issueEvent,
    }),
    defineTrigger({
      name: 'commentCreated',
      description: 'Someone commented on an issue of the team.',
      scope: 'READ',
      requiredPermissions: ['admin'],
      inputSchema: teamConfig,
      outputSchema: {
        $schema: JSON_SCHEMA_2020,
        type: 'object',
        required: ['comment'],
        properties: {
          comment: {
            type: 'object',
            required: ['id', 'body', 'issueId', 'url'],
            properties: { id: { type: 'string' }, body: { type: 'string' }, issueId: { type: 'string' }, url: { type: 'string' } },
          },
        },
      },
    }),
  ],
});
