import type { Client as WsClient } from 'graphql-ws';
import { createContext, createElement, useCallback, useContext, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { cacheExchange, fetchExchange, mapExchange, Provider, subscriptionExchange, type Client, createClient, type CombinedError, type ExecutionResult, type Operation, type SubscriptionForwarder } from 'urql';
import { signInPath } from './session';

/** Where the live connection stands: no subscription open, first connection, connected, or lost and retrying. */
export type LiveState = 'idle' | 'connecting' | 'live' | 'reconnecting';

const MAX_RETRY_WAIT_MS = 30_000;

/**
 * The WebSocket behind subscriptions (graphql-ws on `/graphql`, same origin, so the session cookie
 * rides along). Its code is loaded with the first subscription, and it retries forever with backoff.
 */
class LiveConnection {
  private state: LiveState = 'idle';
  private readonly listeners = new Set<() => void>();
  private client: Promise<WsClient> | null = null;
  private open = 0;
  private disposed = false;

  readonly getState = () => this.state;

  readonly subscribeState = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  private setState(state: LiveState) {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  private load(): Promise<WsClient> {
    this.client ??= import('graphql-ws').then(({ createClient: createWsClient }) => {
      const client = createWsClient({
        url: () => {
          const url = new URL('/graphql', window.location.href);
          url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
          return url.href;
        },
        lazy: true,
        lazyCloseTimeout: 3_000,
        keepAlive: 20_000,
        retryAttempts: Infinity,
        // A restart or a network blip is never fatal for the console: keep trying until it is back.
        shouldRetry: () => true,
        retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_WAIT_MS, 500 * 2 ** retries) + Math.random() * 500)),
      });
      client.on('connecting', (isRetry) => this.setState(isRetry ? 'reconnecting' : 'connecting'));
      client.on('connected', () => this.setState('live'));
      client.on('closed', () => this.setState(this.open > 0 && !this.disposed ? 'reconnecting' : 'idle'));
      if (this.disposed) void client.dispose();
      return client;
    });
    return this.client;
  }

  readonly forward: SubscriptionForwarder = (request) => ({
    subscribe: (sink) => {
      let release: (() => void) | null = null;
      let done = false;
      const finish = () => {
        if (done) return false;
        done = true;
        this.open -= 1;
        return true;
      };
      this.open += 1;
      if (this.state === 'idle') this.setState('connecting');
      this.load().then(
        (client) => {
          if (done || this.disposed) return;
          release = client.subscribe(
            { query: request.query ?? '', variables: request.variables, operationName: request.operationName },
            {
              next: (value) => sink.next(value as ExecutionResult),
              error: (error) => finish() && sink.error(error),
              complete: () => finish() && sink.complete(),
            },
          );
        },
        (error: unknown) => finish() && sink.error(error),
      );
      return {
        unsubscribe: () => {
          if (finish()) release?.();
        },
      };
    },
  });

  dispose() {
    this.disposed = true;
    this.setState('idle');
    void this.client?.then((client) => client.dispose());
  }
}

let leavingForSignIn = false;

/** A mutation or subscription refused for want of a session (it expired, or was ended elsewhere): sign in, then come back here. */
function onError(error: CombinedError, operation: Operation) {
  if (operation.kind === 'query' || leavingForSignIn) return;
  if (!error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) return;
  leavingForSignIn = true;
  window.location.assign(signInPath(window.location.pathname + window.location.search));
}

interface Connections {
  client: Client;
  live: LiveConnection;
}

/**
 * One GraphQL client for the console. The session cookie rides along (same origin); queries go as
 * JSON POSTs because the server refuses anything else from a browser; subscriptions go over graphql-ws.
 */
function createConnections(): Connections {
  const live = new LiveConnection();
  const client = createClient({
    url: '/graphql',
    preferGetMethod: false,
    fetchOptions: { credentials: 'same-origin' },
    exchanges: [cacheExchange, mapExchange({ onError }), fetchExchange, subscriptionExchange({ forwardSubscription: live.forward })],
  });
  return { client, live };
}

const ResetContext = createContext<() => void>(() => {});
const LiveContext = createContext<LiveConnection | null>(null);

/** Provides the client; `useResetGraphQL` swaps in a fresh one when the session changes. */
export function GraphQLProvider({ children }: { children: ReactNode }) {
  const [connections, setConnections] = useState(createConnections);
  const current = useRef(connections);
  const reset = useCallback(() => {
    current.current.live.dispose();
    current.current = createConnections();
    setConnections(current.current);
  }, []);
  return createElement(
    ResetContext.Provider,
    { value: reset },
    createElement(LiveContext.Provider, { value: connections.live }, createElement(Provider, { value: connections.client }, children)),
  );
}

/** Call after signing in or up: drops every cached result of the signed-out visitor. (Signing out reloads the page.) */
export function useResetGraphQL(): () => void {
  return useContext(ResetContext);
}

/** The state of the console's live connection, for a "Live" / "Reconnecting…" badge. */
export function useLiveState(): LiveState {
  const live = useContext(LiveContext);
  return useSyncExternalStore(live?.subscribeState ?? noSubscribe, live?.getState ?? idle);
}

const noSubscribe = () => () => {};
const idle = (): LiveState => 'idle';
