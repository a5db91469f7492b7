/**
 * A fake Linear: a real HTTP server speaking Linear's GraphQL wire format, for tests and for trying
 * the console without a Linear account. Every document it receives is validated against Linear's
 * published schema (linear-api.graphql beside this file, from Linear's MIT-licensed SDK) and executed
 * by graphql-js, so a query Linear would reject fails here too.
 *
 * Point a local server at it: `pnpm --filter @latchkey/server exec tsx test/fakes/serve.ts` prints
 * `LINEAR_API_URL=http://127.0.0.1:4510/graphql` and a personal API key it accepts; start
 * `pnpm dev` with that variable set.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';

export interface FakeLinearUser {
  id: string;
  name: string;
  email: string;
  admin: boolean;
}

/** Who a credential belongs to: a personal key (sent raw) or an OAuth token (sent as Bearer) with its scopes. */
interface Credential {
  user: FakeLinearUser;
  kind: 'apiKey' | 'oauth';
  scopes: string[];
}

export interface FakeLinearRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  query?: string;
  operationName?: string | null;
  variables?: Record<string, unknown>;
}

export interface FakeLinearIssue {
  id: string;
  identifier: string;
  title: string;
  description?: string | null;
  priority: number;
  teamId: string;
  assigneeId?: string | null;
  labelIds: string[];
  url: string;
}

export interface FakeLinearWebhook {
  id: string;
  url: string;
  teamId: string | null;
  resourceTypes: string[];
  secret: string;
  label: string | null;
  enabled: boolean;
}

/** What the next requests get instead of a normal answer. */
export type LinearFailure = 'unauthorized' | 'rateLimited' | 'rateLimited400' | 'invalidInput' | 'hang' | null;

export const LINEAR_ADMIN_KEY = 'lin_api_fakeAdminKey0000000000000000000000000000';
export const LINEAR_MEMBER_KEY = 'lin_api_fakeMemberKey000000000000000000000000000';
/** An OAuth token granted only `read`: a connection made with it lacks the `write` that createIssue needs. */
export const LINEAR_READ_ONLY_TOKEN = 'lin_oauth_fakeReadOnlyToken000000000000000000000';
export const LINEAR_TEAM = { id: 'f0b3c4d5-0000-4000-8000-00000000e001', key: 'ENG', name: 'Engineering' };

let cachedSchema: GraphQLSchema | undefined;
function linearSchema(): GraphQLSchema {
  cachedSchema ??= buildSchema(readFileSync(new URL('./linear-api.graphql', import.meta.url), 'utf8'));
  return cachedSchema;
}

/** Linear's error objects carry a type, a code and a message meant for people. */
function linearError(message: string, code: string, type: string, userPresentableMessage = message) {
  return { message, extensions: { type, code, userPresentableMessage } };
}

class FakeLinearError extends GraphQLError {
  constructor(message: string, code: string, type: string, userPresentableMessage = message) {
    super(message, { extensions: { type, code, userPresentableMessage } });
  }
}

export async function startFakeLinear(options: { port?: number } = {}) {
  const schema = linearSchema();
  const requests: FakeLinearRequest[] = [];
  const users: FakeLinearUser[] = [
    { id: randomUUID(), name: 'Ada Admin', email: 'ada@example.test', admin: true },
    { id: randomUUID(), name: 'Max Member', email: 'max@example.test', admin: false },
  ];
  const credentials = new Map<string, Credential>([
    [LINEAR_ADMIN_KEY, { user: users[0]!, kind: 'apiKey', scopes: ['read', 'write', 'admin'] }],
    [LINEAR_MEMBER_KEY, { user: users[1]!, kind: 'apiKey', scopes: ['read', 'write'] }],
    [LINEAR_READ_ONLY_TOKEN, { user: users[1]!, kind: 'oauth', scopes: ['read'] }],
  ]);
  const teams = [LINEAR_TEAM];
  const issues: FakeLinearIssue[] = [];
  const comments: { id: string; issueId: string; body: string; url: string }[] = [];
  const webhooks: FakeLinearWebhook[] = [];
  const hanging = new Set<() => void>();
  let failure: LinearFailure = null;
  let lastSyncId = 1000;
  const releaseHanging = () => {
    for (const release of hanging) release();
    hanging.clear();
  };

  function authenticate(header: string | undefined): Credential | null {
    if (!header) return null;
    if (header.startsWith('Bearer ')) {
      const found = credentials.get(header.slice(7));
      return found?.kind === 'oauth' ? found : null;
    }
    const found = credentials.get(header);
    return found?.kind === 'apiKey' ? found : null;
  }

  function requireScope(credential: Credential, ...anyOf: string[]) {
    if (credential.kind === 'apiKey' || anyOf.some((scope) => credential.scopes.includes(scope))) return;
    throw new FakeLinearError(`Invalid scope: \`${anyOf[0]}\` required`, 'FORBIDDEN', 'forbidden', 'You do not have access to this operation.');
  }

  function findIssue(idOrIdentifier: string): FakeLinearIssue | undefined {
    return issues.find((issue) => issue.id === idOrIdentifier || issue.identifier === idOrIdentifier);
  }

  const teamObject = (id: string | null) => {
    const team = teams.find((candidate) => candidate.id === id);
    return team ? { ...team } : null;
  };
  const issueObject = (issue: FakeLinearIssue) => ({ ...issue, team: teamObject(issue.teamId) });

  /** Root resolvers: graphql-js calls these for the fields the document selects. */
  const root = (credential: Credential) => ({
    viewer: () => ({ ...credential.user, url: `https://linear.app/fake/profiles/${credential.user.id}` }),
    issueCreate: ({ input }: { input: Record<string, any> }) => {
      requireScope(credential, 'write', 'issues:create');
      const team = teams.find((candidate) => candidate.id === input.teamId);
      if (!team) throw new FakeLinearError('Argument Validation Error', 'INVALID_INPUT', 'invalid input', 'Could not find referenced Team.');
      const number = issues.filter((issue) => issue.teamId === team.id).length + 1;
      const issue: FakeLinearIssue = {
        id: randomUUID(),
        identifier: `${team.key}-${number}`,
        title: input.title ?? '',
        description: input.description ?? null,
        priority: input.priority ?? 0,
        teamId: team.id,
        assigneeId: input.assigneeId ?? null,
        labelIds: input.labelIds ?? [],
        url: `https://linear.app/fake/issue/${team.key}-${number}`,
      };
      issues.push(issue);
      return { success: true, lastSyncId: ++lastSyncId, issue: issueObject(issue) };
    },
    commentCreate: ({ input }: { input: Record<string, any> }) => {
      requireScope(credential, 'write', 'comments:create');
      const issue = input.issueId ? findIssue(input.issueId) : undefined;
      if (!issue) throw new FakeLinearError('Entity not found: Issue', 'INVALID_INPUT', 'invalid input', 'Could not find referenced Issue.');
      const id = randomUUID();
      const comment = { id, issueId: issue.id, body: input.body ?? '', url: `${issue.url}#comment-${id.slice(0, 8)}` };
      comments.push(comment);
      return { success: true, lastSyncId: ++lastSyncId, comment: { ...comment, issue: issueObject(issue) } };
    },
    searchIssues: ({ term, first }: { term: string; first?: number | null }) => {
      const words = term.toLowerCase();
      const found = issues.filter((issue) => `${issue.identifier} ${issue.title} ${issue.description ?? ''}`.toLowerCase().includes(words)).slice(0, first ?? 50);
      return { nodes: found.map(issueObject), totalCount: found.length, pageInfo: { hasNextPage: false, hasPreviousPage: false } };
    },
    webhookCreate: ({ input }: { input: Record<string, any> }) => {
      requireScope(credential, 'admin');
      if (!credential.user.admin) throw new FakeLinearError('Only admins can create webhooks', 'FORBIDDEN', 'forbidden', 'You need to be an admin to manage webhooks.');
      const webhook: FakeLinearWebhook = {
        id: randomUUID(),
        url: input.url,
        teamId: input.teamId ?? null,
        resourceTypes: input.resourceTypes,
        secret: input.secret ?? `lin_wh_${randomBytes(16).toString('hex')}`,
        label: input.label ?? null,
        enabled: input.enabled ?? true,
      };
      webhooks.push(webhook);
      return { success: true, lastSyncId: ++lastSyncId, webhook: { ...webhook, team: teamObject(webhook.teamId) } };
    },
    webhookDelete: ({ id }: { id: string }) => {
      requireScope(credential, 'admin');
      const index = webhooks.findIndex((webhook) => webhook.id === id);
      if (index < 0) throw new FakeLinearError('Entity not found: Webhook', 'INVALID_INPUT', 'invalid input', 'Could not find referenced Webhook.');
      webhooks.splice(index, 1);
      return { success: true, lastSyncId: ++lastSyncId, entityId: id };
    },
  });

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: { query?: string; operationName?: string | null; variables?: Record<string, unknown> } = {};
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      body = {};
    }
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, query: body.query, operationName: body.operationName, variables: body.variables });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(payload));
    };

    if (failure === 'hang') {
      await new Promise<void>((resolve) => {
        hanging.add(resolve);
        res.on('close', resolve);
      });
      return;
    }
    if (req.method !== 'POST') return send(400, { errors: [linearError('POST body missing, invalid Content-Type, or JSON object has no keys.', 'BAD_REQUEST', 'invalid input')] });
    const credential = authenticate(req.headers.authorization);
    if (failure === 'unauthorized' || !credential) {
      return send(401, { errors: [linearError('Authentication required, not authenticated', 'AUTHENTICATION_ERROR', 'authentication error', 'You need to authenticate to access this operation.')] });
    }
    if (failure === 'rateLimited' || failure === 'rateLimited400') {
      const reset = Date.now() + 42_000;
      return send(
        failure === 'rateLimited' ? 429 : 400,
        { errors: [linearError('Rate limit exceeded', 'RATELIMITED', 'ratelimited', 'You have exceeded the rate limit. Please try again later.')] },
        { 'x-ratelimit-requests-limit': '1500', 'x-ratelimit-requests-remaining': '0', 'x-ratelimit-requests-reset': String(reset) },
      );
    }

    let document: DocumentNode;
    try {
      document = parse(body.query ?? '');
    } catch (error) {
      return send(400, { errors: [linearError((error as GraphQLError).message, 'GRAPHQL_PARSE_FAILED', 'graphql error')] });
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) {
      return send(400, { errors: invalid.map((error) => linearError(error.message, 'GRAPHQL_VALIDATION_FAILED', 'graphql error', 'The request is invalid.')) });
    }
    if (failure === 'invalidInput') {
      return send(200, { data: null, errors: [linearError('Argument Validation Error', 'INVALID_INPUT', 'invalid input', 'title must be shorter than or equal to 255 characters')] });
    }
    const result = await execute({ schema, document, rootValue: root(credential), variableValues: body.variables ?? {}, operationName: body.operationName ?? undefined });
    send(200, {
      data: result.data ?? null,
      ...(result.errors ? { errors: result.errors.map((error) => ({ message: error.message, path: error.path, extensions: error.extensions })) } : {}),
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

  return {
    url,
    requests,
    issues,
    comments,
    webhooks,
    team: LINEAR_TEAM,
    adminKey: LINEAR_ADMIN_KEY,
    memberKey: LINEAR_MEMBER_KEY,
    readOnlyToken: LINEAR_READ_ONLY_TOKEN,
    /** Answer every following request with this failure (null: answer normally again). */
    setFailure(next: LinearFailure) {
      failure = next;
      if (next !== 'hang') releaseHanging();
    },
    /** An OAuth access token with exactly these scopes, for a user who is an admin or not. */
    addOAuthToken(scopes: string[], admin = false): string {
      const token = `lin_oauth_${randomBytes(16).toString('hex')}`;
      credentials.set(token, { user: users[admin ? 0 : 1]!, kind: 'oauth', scopes });
      return token;
    },
    /** Linear revokes a credential: it is refused from now on. */
    revoke(secret: string) {
      credentials.delete(secret);
    },
    /** Sends a webhook delivery the way Linear does: HMAC-SHA256 hex of the raw body in Linear-Signature. */
    async deliver(webhookId: string, event: { action: string; type: string; data: Record<string, unknown>; updatedFrom?: Record<string, unknown> }, at = Date.now()) {
      const webhook = webhooks.find((candidate) => candidate.id === webhookId);
      if (!webhook) throw new Error(`no webhook ${webhookId}`);
      const deliveryId = randomUUID();
      const raw = JSON.stringify({ ...event, createdAt: new Date(at).toISOString(), url: event.data.url, webhookTimestamp: at, webhookId, organizationId: 'fake-organization' });
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'linear-delivery': deliveryId,
          'linear-event': event.type,
          'linear-signature': createHmac('sha256', webhook.secret).update(raw).digest('hex'),
          'user-agent': 'Linear-Webhook',
        },
        body: raw,
      });
      return { deliveryId, status: response.status, body: raw };
    },
    async close() {
      releaseHanging();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeLinear = Awaited<ReturnType<typeof startFakeLinear>>;
