/**
 * A fake Notion: a real HTTP server speaking Notion's REST API (version 2022-06-28) for the calls
 * Latchkey makes — users/me, pages, database queries with cursors, block children — with Notion's
 * error bodies `{ object: 'error', status, code, message }`, for tests and for trying the console
 * without a Notion workspace.
 *
 * Point a local server at it: `pnpm --filter @latchkey/server exec tsx test/fakes/serve.ts` prints
 * `NOTION_API_URL=http://127.0.0.1:4511` and a token it accepts; start `pnpm dev` with that set.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeNotionRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

type NotionObject = Record<string, any> & { id: string };

/** What the next requests get instead of a normal answer. */
export type NotionFailure = 'unauthorized' | 'restricted' | 'rateLimited' | 'validation' | 'hang' | null;

export const NOTION_TOKEN = 'ntn_fakeIntegrationToken0000000000000000000000';
export const NOTION_VERSION = '2022-06-28';
/** A database shared with the integration, with a title property "Name" and a select "Status". */
export const NOTION_DATABASE_ID = '8a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const NOTION_PAGE_ID = '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e';

const now = () => new Date().toISOString();
const compact = (id: string) => id.replace(/-/g, '').toLowerCase();
const titleOf = (page: NotionObject): string => {
  const title = Object.values(page.properties ?? {}).find((property: any) => property?.type === 'title' || Array.isArray(property?.title)) as any;
  return (title?.title ?? []).map((part: any) => part?.text?.content ?? part?.plain_text ?? '').join('');
};

export async function startFakeNotion(options: { port?: number } = {}) {
  const requests: FakeNotionRequest[] = [];
  const tokens = new Set([NOTION_TOKEN]);
  const database = {
    object: 'database',
    id: NOTION_DATABASE_ID,
    title: [{ type: 'text', text: { content: 'Tasks' }, plain_text: 'Tasks' }],
    properties: { Name: { id: 'title', name: 'Name', type: 'title', title: {} }, Status: { id: 'st', name: 'Status', type: 'select', select: { options: [] } } },
    url: `https://www.notion.so/${compact(NOTION_DATABASE_ID)}`,
  };
  const pages: NotionObject[] = [
    {
      object: 'page',
      id: NOTION_PAGE_ID,
      created_time: now(),
      last_edited_time: now(),
      parent: { type: 'workspace', workspace: true },
      archived: false,
      in_trash: false,
      properties: { title: { id: 'title', type: 'title', title: [{ type: 'text', text: { content: 'Home' }, plain_text: 'Home' }] } },
      url: `https://www.notion.so/Home-${compact(NOTION_PAGE_ID)}`,
    },
  ];
  const blocks = new Map<string, NotionObject[]>();
  let failure: NotionFailure = null;
  let failuresLeft = Infinity;
  let retryAfterSeconds = 1;
  const hanging = new Set<() => void>();
  const releaseHanging = () => {
    for (const release of hanging) release();
    hanging.clear();
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    send(res, status, { object: 'error', status, code, message, request_id: randomUUID() }, headers);
  const findPage = (id: string) => pages.find((page) => compact(page.id) === compact(id));
  const known = (id: string) => !!findPage(id) || [...blocks.values()].flat().some((block) => compact(block.id) === compact(id));
  const listOf = (results: unknown[], nextCursor: string | null, type: string) => ({ object: 'list', results, next_cursor: nextCursor, has_more: nextCursor !== null, type, [type]: {}, request_id: randomUUID() });

  function takeFailure(): NotionFailure {
    if (!failure || failuresLeft <= 0) return null;
    failuresLeft -= 1;
    return failure;
  }

  function createPage(res: ServerResponse, body: any) {
    const parent = body?.parent ?? {};
    if (typeof body?.properties !== 'object' || body.properties === null) return error(res, 400, 'validation_error', 'body failed validation: body.properties should be defined, instead was `undefined`.');
    if (parent.database_id) {
      if (compact(parent.database_id) !== compact(database.id)) return error(res, 404, 'object_not_found', `Could not find database with ID: ${parent.database_id}. Make sure the relevant pages and databases are shared with your integration.`);
      const unknown = Object.keys(body.properties).find((name) => !(name in database.properties));
      if (unknown) return error(res, 400, 'validation_error', `${unknown} is not a property that exists.`);
    } else if (parent.page_id) {
      if (!findPage(parent.page_id)) return error(res, 404, 'object_not_found', `Could not find page with ID: ${parent.page_id}. Make sure the relevant pages and databases are shared with your integration.`);
    } else {
      return error(res, 400, 'validation_error', 'body failed validation: body.parent should be an object with database_id or page_id.');
    }
    const id = randomUUID();
    const properties = Object.fromEntries(Object.entries(body.properties as Record<string, any>).map(([name, value]) => [name, { id: (database.properties as any)[name]?.id ?? name, type: Object.keys(value ?? {})[0], ...value }]));
    const page: NotionObject = {
      object: 'page',
      id,
      created_time: now(),
      last_edited_time: now(),
      parent: parent.database_id ? { type: 'database_id', database_id: database.id } : { type: 'page_id', page_id: findPage(parent.page_id)!.id },
      archived: false,
      in_trash: false,
      properties,
      url: '',
    };
    page.url = `https://www.notion.so/${titleOf(page).replace(/[^A-Za-z0-9]+/g, '-') || 'Untitled'}-${compact(id)}`;
    pages.push(page);
    if (Array.isArray(body.children)) blocks.set(id, body.children.map((child: any) => blockOf(child, id)));
    send(res, 200, page);
  }

  function blockOf(child: any, parentId: string): NotionObject {
    return { object: 'block', id: randomUUID(), parent: { type: 'page_id', page_id: parentId }, created_time: now(), last_edited_time: now(), has_children: false, archived: false, type: child.type, [child.type]: child[child.type] ?? {} };
  }

  function queryDatabase(res: ServerResponse, id: string, body: any) {
    if (compact(id) !== compact(database.id)) return error(res, 404, 'object_not_found', `Could not find database with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`);
    const pageSize = body?.page_size ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) return error(res, 400, 'validation_error', 'body failed validation: body.page_size should be ≤ `100`.');
    let rows = pages.filter((page) => page.parent?.database_id === database.id);
    const contains = body?.filter?.title?.contains ?? body?.filter?.rich_text?.contains;
    if (typeof contains === 'string') rows = rows.filter((page) => titleOf(page).toLowerCase().includes(contains.toLowerCase()));
    if (body?.sorts?.[0]?.timestamp === 'created_time' && body.sorts[0].direction === 'descending') rows = [...rows].reverse();
    let start = 0;
    if (body?.start_cursor !== undefined) {
      start = rows.findIndex((page) => page.id === body.start_cursor);
      if (start < 0) return error(res, 400, 'validation_error', 'body failed validation: body.start_cursor should be a valid uuid.');
    }
    const slice = rows.slice(start, start + pageSize);
    send(res, 200, listOf(slice, rows[start + pageSize]?.id ?? null, 'page_or_database'));
  }

  function appendBlocks(res: ServerResponse, id: string, body: any) {
    if (!Array.isArray(body?.children)) return error(res, 400, 'validation_error', 'body failed validation: body.children should be defined, instead was `undefined`.');
    if (body.children.length > 100) return error(res, 400, 'validation_error', 'body failed validation: body.children.length should be ≤ `100`.');
    const malformed = body.children.findIndex((child: any) => typeof child?.type !== 'string' || typeof child[child.type] !== 'object');
    if (malformed >= 0) return error(res, 400, 'validation_error', `body failed validation: body.children[${malformed}] should be a block object.`);
    if (!known(id)) return error(res, 404, 'object_not_found', `Could not find block with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`);
    const appended = body.children.map((child: any) => blockOf(child, id));
    blocks.set(id, [...(blocks.get(id) ?? []), ...appended]);
    send(res, 200, listOf(appended, null, 'block'));
  }

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any;
    let malformed = false;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      malformed = true;
    }
    const path = (req.url ?? '').split('?')[0]!;
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });

    const failing = takeFailure();
    if (failing === 'hang') {
      await new Promise<void>((resolve) => {
        hanging.add(resolve);
        res.on('close', resolve);
      });
      return;
    }
    const token = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined;
    if (failing === 'unauthorized' || !token || !tokens.has(token)) return error(res, 401, 'unauthorized', 'API token is invalid.');
    if (req.headers['notion-version'] !== NOTION_VERSION) {
      return error(res, 400, 'missing_version', `Notion-Version header failed validation: Notion-Version header should be defined, instead was \`${req.headers['notion-version']}\`.`);
    }
    if (failing === 'rateLimited') return error(res, 429, 'rate_limited', 'You have been rate limited. Please try again in a few minutes.', { 'retry-after': String(retryAfterSeconds) });
    if (failing === 'restricted') return error(res, 403, 'restricted_resource', 'API token does not have access to this resource.');
    if (failing === 'validation') return error(res, 400, 'validation_error', 'body failed validation: body.properties.Name.title should be an array.');
    if (malformed) return error(res, 400, 'invalid_json', 'Error parsing JSON body.');

    let match: RegExpMatchArray | null;
    if (req.method === 'GET' && path === '/v1/users/me') {
      return send(res, 200, { object: 'user', id: 'b0b0b0b0-0000-4000-8000-000000000001', name: 'Latchkey (fake)', avatar_url: null, type: 'bot', bot: { owner: { type: 'workspace', workspace: true }, workspace_name: 'Fake workspace' }, request_id: randomUUID() });
    }
    if (req.method === 'POST' && path === '/v1/pages') return createPage(res, body);
    if (req.method === 'POST' && (match = path.match(/^\/v1\/databases\/([^/]+)\/query$/))) return queryDatabase(res, decodeURIComponent(match[1]!), body);
    if (req.method === 'PATCH' && (match = path.match(/^\/v1\/blocks\/([^/]+)\/children$/))) return appendBlocks(res, decodeURIComponent(match[1]!), body);
    return error(res, 400, 'invalid_request_url', 'Invalid request URL.');
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    pages,
    blocks,
    token: NOTION_TOKEN,
    databaseId: NOTION_DATABASE_ID,
    pageId: NOTION_PAGE_ID,
    /** Answer the next `times` requests (default: all) with this failure; null answers normally again. */
    setFailure(next: NotionFailure, times = Infinity) {
      failure = next;
      failuresLeft = times;
      if (next !== 'hang') releaseHanging();
    },
    /** The Retry-After (seconds) that rate-limited answers carry. */
    setRetryAfter(seconds: number) {
      retryAfterSeconds = seconds;
    },
    /** The workspace removes the integration: its token is refused from now on. */
    revoke(token: string) {
      tokens.delete(token);
    },
    /** The first request of a Notion webhook subscription: the token later events are signed with. */
    async sendVerification(url: string, verificationToken = `secret_${randomBytes(24).toString('hex')}`) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ verification_token: verificationToken }) });
      return { status: response.status, verificationToken };
    },
    /** Sends a webhook event the way Notion does: X-Notion-Signature = sha256=HMAC-SHA256(body, verification_token). */
    async deliver(url: string, verificationToken: string, event: { type: string; entity: { id: string; type: string }; data?: Record<string, unknown> }) {
      const raw = JSON.stringify({ id: randomUUID(), timestamp: now(), workspace_id: 'fake-workspace', subscription_id: 'fake-subscription', integration_id: 'fake-integration', attempt_number: 1, data: {}, ...event });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-notion-signature': `sha256=${createHmac('sha256', verificationToken).update(raw).digest('hex')}` },
        body: raw,
      });
      return { status: response.status, body: raw };
    },
    /** A token Notion would issue for another integration. */
    addToken(): string {
      const token = `ntn_${randomBytes(20).toString('hex')}`;
      tokens.add(token);
      return token;
    },
    async close() {
      releaseHanging();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeNotion = Awaited<ReturnType<typeof startFakeNotion>>;
