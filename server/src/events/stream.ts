import type { PrismaClient } from '../db/client.js';
import type { EventFanout } from './fanout.js';
import { readEvents, type EventFilter, type StoredEvent } from './log.js';

const REPLAY_PAGE = 200;

/**
 * A stream that has this method hands its items to a synchronous consumer while that consumer keeps
 * up: `stream[DIRECT](take)`. See `DirectConsumer`.
 */
export const DIRECT = Symbol('latchkey.stream.direct');

/**
 * Takes an item at once (true), or declines it (false): the item is then handed out by `next()`, and
 * later items wait behind it, in order, until the one who iterates asks for more with nothing left.
 * A thousand subscribers of one event then cost a function call each, not a chain of promises.
 */
export type DirectConsumer<T> = (item: T) => boolean;

export interface DirectStream<T> extends AsyncIterableIterator<T> {
  [DIRECT](consumer: DirectConsumer<T>): void;
}

export function isDirectStream<T>(value: AsyncIterator<T>): value is DirectStream<T> {
  return typeof (value as Partial<DirectStream<T>>)[DIRECT] === 'function';
}

/**
 * An async iterator fed by pushes. `return()` (the client unsubscribed) ends it at once, even while
 * a `next()` is waiting, and runs `onClose`.
 */
class Pushable<T> implements DirectStream<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private direct: DirectConsumer<T> | undefined;
  private readonly drainWaiters: (() => void)[] = [];
  private ending = false;
  private closed = false;

  constructor(private readonly onClose: () => void) {}

  push(item: T): void {
    if (this.closed || this.ending) return;
    // Only while the iterating side waits with nothing queued: anything before this item has been handed on.
    if (this.waiting && this.direct?.(item)) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
    } else this.items.push(item);
  }

  /** Drops what the client has not taken yet, and ends with `item`. */
  abort(item: T): void {
    if (this.closed) return;
    this.items.length = 0;
    this.ending = false;
    this.push(item);
    this.end();
  }

  /** Ends after what was already pushed. */
  end(): void {
    this.ending = true;
    if (this.items.length === 0) this.close();
  }

  /** False once ending or closed: nothing more will be taken. */
  get open(): boolean {
    return !this.ending && !this.closed;
  }

  /** How many items wait for the client. */
  get pending(): number {
    return this.items.length;
  }

  /** Resolves once at most `size` items wait for the client (or the stream is closed). */
  async drained(size: number): Promise<void> {
    while (this.items.length > size && !this.closed) await new Promise<void>((wake) => this.drainWaiters.push(wake));
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (this.drainWaiters.length > 0) this.drainWaiters.splice(0).forEach((wake) => wake());
    if (item !== undefined) {
      if (this.ending && this.items.length === 0) this.close();
      return Promise.resolve({ value: item, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [DIRECT](consumer: DirectConsumer<T>): void {
    this.direct = consumer;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.items.length = 0;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
    this.drainWaiters.splice(0).forEach((wake) => wake());
    this.onClose();
  }
}

/** What a subscription yields: an event, or the error that ends it. */
export type StreamItem = StoredEvent | Error;

export interface EventStreamOptions {
  prisma: PrismaClient;
  fanout: EventFanout;
  filter: EventFilter;
  after: bigint;
  /**
   * Re-checks the subscriber's credentials after a change notice or at `recheckAt`: resolves with
   * the next moment to re-check (expiry) or null; a throw ends the stream with that error.
   */
  recheck?: () => Promise<Date | null>;
  recheckAt?: Date | null;
  /** A client this many events behind is completed; it resumes losslessly from its last cursor. */
  maxPending?: number;
}

const MAX_PENDING = 10_000;

/** Longest setTimeout Node accepts. */
const MAX_DELAY_MS = 2_147_483_647;

/**
 * Replays the stored events after `after` in seq order, then streams new ones, with no gap and no
 * duplicate at the hand-over: the subscriber registers with the fan-out (buffering) before the
 * replay is read, and nothing at or below the last seq it emitted is emitted again.
 */
export async function eventStream(options: EventStreamOptions): Promise<DirectStream<StreamItem>> {
  const { prisma, fanout, filter } = options;
  let last = options.after;
  let replaying = true;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let stopped = false;
  const buffered: StoredEvent[] = [];

  const stream = new Pushable<StreamItem>(() => {
    stopped = true;
    clearTimeout(timer);
    unsubscribe?.();
  });
  const maxPending = options.maxPending ?? MAX_PENDING;
  const emit = (event: StoredEvent) => {
    if (event.seq <= last) return;
    if (stream.pending >= maxPending) return stream.end();
    last = event.seq;
    stream.push(event);
  };
  // A key that stopped working gets nothing more, not even events already queued for it.
  const fail = (error: Error) => stream.abort(error);
  const recheck = async () => {
    if (!options.recheck || stopped) return;
    try {
      schedule(await options.recheck());
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const schedule = (at: Date | null | undefined) => {
    clearTimeout(timer);
    if (!at || stopped) return;
    timer = setTimeout(() => void recheck(), Math.min(Math.max(0, at.getTime() - Date.now()), MAX_DELAY_MS));
  };

  unsubscribe = await fanout.subscribe({
    teamId: filter.teamId,
    apiKeyId: filter.apiKeyId ?? null,
    triggerId: filter.triggerId ?? null,
    deliver: (event) => (replaying ? buffered.push(event) : emit(event)),
    keyChanged: () => void recheck(),
  });
  if (stopped) unsubscribe();
  schedule(options.recheckAt);

  void (async () => {
    try {
      for (;;) {
        // A long replay is read only as fast as the client takes it.
        await stream.drained(REPLAY_PAGE);
        const page = await readEvents(prisma, filter, last, REPLAY_PAGE);
        page.forEach(emit);
        if (page.length < REPLAY_PAGE || !stream.open) break;
      }
      buffered.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0)).forEach(emit);
      buffered.length = 0;
      replaying = false;
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return stream;
}
