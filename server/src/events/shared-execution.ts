import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { SubscriptionSink } from '../access/context.js';
import { DIRECT, isDirectStream } from './stream.js';

/**
 * Subscriptions that receive the same event object execute their selection on it once.
 *
 * The fan-out hands one stored event object to every subscriber it concerns; with a thousand
 * subscribers on one key, graphql would otherwise run (and serialize) the same selection a thousand
 * times per event. Here each subscription's source stream is created as graphql-js does (so the
 * field's `subscribe`, with its key and session checks, runs per subscriber), and each event it
 * yields is executed once per (document, operation, variables); the result and its JSON are shared.
 * Over graphql-ws (a `subscriptionSink` in the context) a result without errors is written straight
 * to the socket; anything with errors goes the usual way through the plugins and graphql-ws. And
 * when the source is an event stream that can hand its items over synchronously (`DIRECT`), each
 * event goes from the fan-out to the socket in one call while the socket keeps up; an event with
 * errors, or one the socket has no room for, goes through `next()` as below, the later ones behind it.
 *
 * Resolvers under a subscription field must therefore depend only on the event, never on who
 * subscribed (true of TriggerEvent). A result with errors is never passed on to another
 * subscriber, and errors that end a stream are each subscriber's own objects.
 */
export const sharedSubscriptionExecution: Plugin = {
  onSubscribe({ setSubscribeFn }) {
    setSubscribeFn(subscribeSharing as never);
  },
};

interface Shared {
  result: ExecutionResult | Promise<ExecutionResult>;
  /** The result as JSON, UTF-8. */
  json?: Buffer;
}

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 1;
/** event object -> selection key -> its result. Entries go when the event object does. */
const sharedResults = new WeakMap<object, Map<string, Shared>>();

function selectionKey(args: ExecutionArgs): string {
  let id = documentIds.get(args.document);
  if (id === undefined) {
    id = nextDocumentId++;
    documentIds.set(args.document, id);
  }
  return `${id}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}`;
}

/** The shared result of this selection on this event, executed now by this subscriber if there is none yet. */
function sharedResult(args: ExecutionArgs, key: string, event: object): Shared {
  let byKey = sharedResults.get(event);
  if (!byKey) sharedResults.set(event, (byKey = new Map()));
  let shared = byKey.get(key);
  if (!shared) byKey.set(key, (shared = { result: execute({ ...args, rootValue: event }) }));
  return shared;
}

/** As sharedResult, and whether this subscriber just executed it. */
function sharedFor(args: ExecutionArgs, key: string, event: object): { shared: Shared; executed: boolean } {
  const executed = !sharedResults.get(event)?.has(key);
  return { shared: sharedResult(args, key, event), executed };
}

async function subscribeSharing(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  const key = selectionKey(args);
  const sink = (args.contextValue as { subscriptionSink?: SubscriptionSink } | undefined)?.subscriptionSink;
  const iterator = source[Symbol.asyncIterator]();
  const own = (payload: unknown) => execute({ ...args, rootValue: payload });
  let closed = false;

  if (sink && isDirectStream(iterator)) {
    iterator[DIRECT]((payload) => {
      if (closed) return true;
      if (typeof payload !== 'object' || payload === null || payload instanceof Error) return false;
      const shared = sharedResult(args, key, payload);
      if (shared.result instanceof Promise || shared.result.errors) return false;
      shared.json ??= Buffer.from(JSON.stringify(shared.result));
      return sink.offer(shared.json);
    });
  }

  const mapped: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      for (;;) {
        const step = await iterator.next();
        if (step.done || closed) return { done: true, value: undefined };
        const payload = step.value;
        if (typeof payload !== 'object' || payload === null || payload instanceof Error) return { done: false, value: await own(payload) };
        const { shared, executed } = sharedFor(args, key, payload);
        // Selections on an event resolve synchronously: no extra turn when the result is already there.
        const result = shared.result instanceof Promise ? await shared.result : shared.result;
        // A result with errors may be the first subscriber's own (its check failed): never pass it on.
        if (result.errors) return { done: false, value: executed ? result : await own(payload) };
        if (!sink) return { done: false, value: result };
        shared.json ??= Buffer.from(JSON.stringify(result));
        const full = sink.send(shared.json);
        if (full) await full;
      }
    },
    // `return()` must reach the source at once, even while a `next()` waits for the next event
    // (an async generator would queue it behind that wait).
    async return() {
      closed = true;
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      closed = true;
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return mapped;
    },
  };
  return mapped;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
