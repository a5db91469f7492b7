import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { GraphQLError, type DocumentNode } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import { CLIENT_IP_HEADER } from './access/auth.js';
import { SignInThrottle } from './access/sign-in-throttle.js';
import type { Services } from './access/context.js';
import { createYoga, type Yoga } from './schema/yoga.js';
import { readiness } from './health.js';
import { BodyTooLargeError, MAX_BODY_BYTES, readBody } from './body.js';
import { handleWebhook } from './webhooks/router.js';
import { gatherWrites, subscriptionSink } from './websocket-writes.js';

function clientIp(req: IncomingMessage): string | null {
  return req.socket.remoteAddress ?? null;
}

/** Node headers as Fetch headers, with the client address set by us and never by the client. */
function fetchHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === CLIENT_IP_HEADER) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const ip = clientIp(req);
  if (ip) headers.set(CLIENT_IP_HEADER, ip);
  return headers;
}

async function toFetchRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const body = hasBody ? new Uint8Array(await readBody(req, MAX_BODY_BYTES)) : undefined;
  return new Request(new URL(req.url ?? '/', origin), { method, headers: fetchHeaders(req), body });
}

async function sendFetchResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  // Streams chunk by chunk, so server-sent events reach the client as they are produced.
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function graphqlError(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  sendJson(res, status, { errors: [{ message, extensions: { code, ...extra } }] });
}

const JSON_CONTENT_TYPES = ['application/json', 'application/graphql-response+json', 'application/graphql+json'];

/**
 * CSRF defence for cookie sessions: a request from a page on another origin may not use the cookie,
 * and every POST must be JSON (which a cross-site form cannot send without a CORS preflight).
 */
function csrfRejection(req: IncomingMessage, trustedOrigins: string[]): string | null {
  const origin = req.headers.origin;
  if (req.headers.cookie && origin && !trustedOrigins.includes(origin)) return `Requests from ${origin} may not use the session cookie.`;
  if (req.method === 'POST') {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!JSON_CONTENT_TYPES.includes(type)) return 'GraphQL requests over POST must be sent as application/json.';
  }
  return null;
}

export interface HttpApp {
  server: Server;
  yoga: Yoga;
  closeWebSockets(): Promise<void>;
}

export function createHttpServer(services: Services): HttpApp {
  const { config, auth, log } = services;
  const yoga = createYoga(services);
  const origin = config.publicUrl;
  const webDist = config.webDist && existsSync(join(config.webDist, 'index.html')) ? config.webDist : null;
  if (config.webDist && !webDist) log.warn(`the console is not built (${config.webDist} is missing): run pnpm build`);
  const serveConsole = webDist ? sirv(webDist, { single: true, etag: true, gzip: true, brotli: true, immutable: true }) : null;

  const throttle = new SignInThrottle(config.signInThrottle);

  async function signIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await toFetchRequest(req, origin);
    const email = await request
      .clone()
      .json()
      .then((body: { email?: unknown }) => (typeof body?.email === 'string' ? body.email : ''))
      .catch(() => '');
    const ip = clientIp(req) ?? 'unknown';
    const wait = throttle.retryAfter(ip, email);
    if (wait > 0) {
      return sendJson(res, 429, { code: 'TOO_MANY_ATTEMPTS', message: `Too many failed sign-ins. Try again in ${wait} seconds.` }, { 'retry-after': String(wait) });
    }
    const response = await auth.handler(request);
    if (response.status === 401) throttle.recordFailure(ip, email);
    return sendFetchResponse(res, response);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const ready = await readiness(services);
      return sendJson(res, ready.ready ? 200 : 503, ready);
    }
    if (path === '/api/auth/sign-in/email') return signIn(req, res);
    if (path === '/api/auth' || path.startsWith('/api/auth/')) {
      return sendFetchResponse(res, await auth.handler(await toFetchRequest(req, origin)));
    }
    if (path === '/graphql') {
      const rejection = csrfRejection(req, config.trustedOrigins);
      if (rejection) return graphqlError(res, 403, 'FORBIDDEN', rejection, { reason: 'CSRF' });
      if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw new BodyTooLargeError();
      // Yoga reads the Node request itself (the hot path); the client address is ours to set.
      const ip = clientIp(req);
      if (ip) req.headers[CLIENT_IP_HEADER] = ip;
      else delete req.headers[CLIENT_IP_HEADER];
      return yoga.handle(req, res);
    }
    if (path.startsWith('/webhooks/')) return handleWebhook(services, path, req, res);
    if (serveConsole && (req.method === 'GET' || req.method === 'HEAD')) {
      return serveConsole(req, res, () => sendJson(res, 404, { error: 'Not found.' }));
    }
    sendJson(res, 404, { error: 'Not found.' });
  }

  const server = createServer((req, res) => {
    if (log.isLevelEnabled('debug')) {
      const started = performance.now();
      // Method, path and status only: headers and bodies may carry keys and credentials.
      res.on('finish', () => log.debug({ method: req.method, path: req.url?.split('?')[0], status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request'));
    }
    route(req, res).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, { errors: [{ message: `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`, extensions: { code: 'BAD_USER_INPUT' } }] }, { connection: 'close' });
        req.resume();
        return;
      }
      log.error({ err: error, path: req.url?.split('?')[0] }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error.' });
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES, perMessageDeflate: false });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    const requestOrigin = req.headers.origin;
    if (path !== '/graphql') return void socket.destroy();
    if (req.headers.cookie && requestOrigin && !config.trustedOrigins.includes(requestOrigin)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      gatherWrites(ws, socket);
      wss.emit('connection', ws, req);
    });
  });

  useServer(
    {
      execute: (args) => (args.rootValue as { execute: typeof import('graphql').execute }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: typeof import('graphql').subscribe }).subscribe(args),
      onSubscribe: async (ctx, id, params) => {
        const enveloped = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, clientIp: clientIp(ctx.extra.request), headers: fetchHeaders(ctx.extra.request), params });
        let document: DocumentNode;
        let validationErrors: readonly GraphQLError[];
        try {
          document = enveloped.parse(params.query);
          validationErrors = enveloped.validate(enveloped.schema, document);
        } catch (error) {
          // Query limits throw while parsing or validating: the client gets them as errors, not a closed socket.
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        if (validationErrors.length > 0) return validationErrors;
        const contextValue = await enveloped.contextFactory();
        contextValue.subscriptionSink = subscriptionSink(ctx.extra.socket, id);
        return {
          schema: enveloped.schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue,
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
      },
    },
    wss,
  );

  return {
    server,
    yoga,
    closeWebSockets: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.close(1001, 'Server shutting down');
        wss.close(() => resolve());
      }),
  };
}
