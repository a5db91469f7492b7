import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestServer } from './harness.js';

export interface GraphQLErrorShape {
  message: string;
  extensions?: Record<string, any>;
}

export interface Subscription<T> {
  items: T[];
  errors: GraphQLErrorShape[];
  completed(): boolean;
  /** Resolves once `predicate` holds, rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  /** Stops reading the socket (the server's writes to it back up), and reads it again. */
  pause(): void;
  resume(): void;
}

/** A real graphql-ws client on /graphql, the key sent as connection params like any client would. */
export function subscribe<T = any>(server: TestServer, secret: string | null, query: string, variables: Record<string, unknown> = {}, options: { cookie?: string } = {}): Subscription<T> {
  const headers: Record<string, string> = options.cookie ? { cookie: options.cookie, origin: server.url } : {};
  let socket: WebSocket | undefined;
  const client = createClient({
    url: server.url.replace('http', 'ws') + '/graphql',
    connectionParams: secret === null ? {} : { authorization: `Bearer ${secret}` },
    retryAttempts: 0,
    lazy: true,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
        socket = this;
      }
    },
  });
  const items: T[] = [];
  const errors: GraphQLErrorShape[] = [];
  let completed = false;
  client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...(result.errors as GraphQLErrorShape[]));
        const value = result.data ? Object.values(result.data)[0] : undefined;
        if (value) items.push(value);
      },
      error: (error) => {
        if (Array.isArray(error)) errors.push(...error);
        else errors.push({ message: String((error as { reason?: string }).reason ?? error) });
        completed = true;
      },
      complete: () => (completed = true),
    },
  );
  return {
    items,
    errors,
    completed: () => completed,
    async until(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out; ${items.length} items, errors ${JSON.stringify(errors)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => client.dispose() as Promise<void>,
    pause: () => socket?.pause(),
    resume: () => socket?.resume(),
  };
}

/** Waits until the server has this many open event subscribers (registered with its fan-out). */
export async function subscribers(server: TestServer, count: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (server.latchkey.services.events.size.subscribers !== count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} subscribers, have ${server.latchkey.services.events.size.subscribers}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
