import type { IncomingMessage } from 'node:http';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError } from 'graphql';
import { createYoga as createGraphQLYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { createContext, type Context, type Services } from '../access/context.js';
import { sharedSubscriptionExecution } from '../events/shared-execution.js';
import { isLatchkeyError } from './errors.js';
import { schema } from './index.js';

/** What http.ts hands to Yoga with each request (HTTP) or subscription (WebSocket). */
export interface ServerContext {
  req: IncomingMessage;
  /** WebSocket only: the client address (over HTTP it is read from `req`). */
  clientIp?: string | null;
  /** WebSocket only: the upgrade request's headers, already converted. */
  headers?: Headers;
  connectionParams?: Record<string, unknown>;
}

export type Yoga = YogaServerInstance<ServerContext, Context>;

/** Query limits: generous for the console and real clients, far below what would hurt the server. */
export const LIMITS = { depth: 10, aliases: 15, tokens: 2000, cost: 5000, directives: 20 };

/**
 * Errors from GraphQL itself (parse, validation, query limits, variables) carry the contract's code
 * too, and a request they stop entirely answers 400.
 */
function withContractCode(error: GraphQLError, requestFailed: boolean): GraphQLError {
  const given = error.extensions?.code;
  const code = typeof given === 'string' && !given.startsWith('GRAPHQL_') ? given : 'BAD_USER_INPUT';
  // Yoga marks parse errors `spec: true`, which answers 200 to plain JSON clients; the contract says 400.
  const existing = error.extensions?.http as { status?: number; spec?: boolean } | undefined;
  const http = code === 'BAD_USER_INPUT' && requestFailed && (!existing?.status || existing.spec) ? { http: { status: 400 } } : {};
  if (code === given && !('http' in http)) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code, ...http },
  });
}

const contractCodes: Plugin = {
  onResultProcess({ result, setResult }) {
    if (Array.isArray(result) || !('errors' in result) || !result.errors) return;
    const requestFailed = !('data' in result) || result.data === undefined;
    setResult({ ...result, errors: result.errors.map((error) => withContractCode(error as GraphQLError, requestFailed)) });
  },
};

export function createYoga(services: Services): Yoga {
  return createGraphQLYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    // Chunked bodies without a content-length are counted by Yoga (http.ts refuses declared ones).
    maxRequestBodySize: 1024 * 1024,
    graphiql: !services.config.production,
    landingPage: false,
    batching: false,
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args) => services.log.warn(args.map(String).join(' ')),
      // Errors answered to the client with a contract code are expected; unexpected ones are logged by maskError.
      error: (...args) => (args.some(isLatchkeyError) ? services.log.debug(args.map(String).join(' ')) : services.log.error(args.map(String).join(' '))),
    },
    maskedErrors: {
      isDev: false,
      maskError(error, message) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (isLatchkeyError(original)) return original;
        if (error instanceof GraphQLError && !error.originalError) return error;
        services.log.error({ err: original }, 'unexpected error in a resolver');
        return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } } });
      },
    },
    context: (initial) => {
      const headers = initial.headers ?? (initial as unknown as { request: Request }).request.headers;
      return createContext(services, headers, initial.clientIp ?? initial.req?.socket.remoteAddress ?? null, initial.connectionParams);
    },
    plugins: [
      maxDepthPlugin({ n: LIMITS.depth, ignoreIntrospection: true, flattenFragments: true }),
      maxAliasesPlugin({ n: LIMITS.aliases, allowList: [] }),
      maxTokensPlugin({ n: LIMITS.tokens }),
      costLimitPlugin({ maxCost: LIMITS.cost, ignoreIntrospection: true }),
      maxDirectivesPlugin({ n: LIMITS.directives }),
      contractCodes,
      sharedSubscriptionExecution,
    ],
  });
}
