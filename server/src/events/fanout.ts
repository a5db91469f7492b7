import type { PrismaClient } from '../db/client.js';
import type { Notifier } from '../db/notifier.js';
import { KEY_CHANGED_CHANNEL } from '../keys/verifier.js';
import type { Logger } from '../log.js';
import { EVENTS_CHANNEL, latestSeq, readEvents, type StoredEvent } from './log.js';

const READ_BATCH = 500;
/**
 * A team's reads start at most every READ_GAP_PER_SUBSCRIBER_MS x its subscribers here (between
 * READ_GAP_MIN_MS and READ_GAP_MAX_MS): events that arrive closer together are read and handed out
 * together, so each subscriber's socket gets them in one write. A write costs about 10 us of CPU
 * (mostly the kernel's), so a thousand subscribers are read for at most every 40 ms, which keeps
 * their writes to a quarter of a core; a handful of subscribers get each event almost at once. An
 * event after a quiet spell is read at once.
 */
const READ_GAP_PER_SUBSCRIBER_MS = 0.04;
const READ_GAP_MIN_MS = 2;
const READ_GAP_MAX_MS = 50;

/**
 * A read is handed to this many subscribers per turn of the event loop: between turns the sockets
 * written so far are flushed, and requests (the next events' deliveries among them) are served.
 */
const SUBSCRIBERS_PER_TURN = 100;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One open subscription, as the fan-out sees it. */
export interface EventSubscriber {
  teamId: string;
  /** Only this key's events; null for every event of the team. */
  apiKeyId: string | null;
  triggerId?: string | null;
  deliver(event: StoredEvent): void;
  /** The subscriber's key changed (revoked, deleted, regenerated, updated) somewhere. */
  keyChanged?(): void;
}

interface TeamState {
  /** The highest seq handed to this team's subscribers. */
  last: bigint;
  subscribers: Set<EventSubscriber>;
  /** Reads run one at a time per team; a notification during a read asks for one more. */
  reading: Promise<void>;
  again: boolean;
  busy: boolean;
  /** When the last read started (performance.now()). */
  readAt: number;
}

/**
 * One per server instance. On each `latchkey_events` notification it reads the team's new events
 * once and hands them to every in-process subscriber of that team, so a thousand subscribers do not
 * each query.
 */
export class EventFanout {
  private readonly teams = new Map<string, TeamState>();
  private readonly byKey = new Map<string, Set<EventSubscriber>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly log: Logger,
  ) {}

  async listen(notifier: Notifier): Promise<void> {
    await notifier.listen(EVENTS_CHANNEL, (teamId) => this.notified(teamId));
    await notifier.listen(KEY_CHANGED_CHANNEL, (keyId) => this.byKey.get(keyId)?.forEach((subscriber) => subscriber.keyChanged?.()));
    // Notifications sent while the connection was down are lost: read every watched team again,
    // and have every open subscription re-check its key.
    notifier.onReconnect(() => {
      this.teams.forEach((_state, teamId) => this.notified(teamId));
      this.byKey.forEach((subscribers) => subscribers.forEach((subscriber) => subscriber.keyChanged?.()));
    });
  }

  /**
   * Registers a subscriber. Once this resolves, every event committed after this moment reaches
   * it; events committed before are the caller's to read (the replay).
   */
  async subscribe(subscriber: EventSubscriber): Promise<() => void> {
    let state = this.teams.get(subscriber.teamId);
    if (!state) {
      state = { last: 0n, subscribers: new Set(), reading: Promise.resolve(), again: false, busy: false, readAt: 0 };
      this.teams.set(subscriber.teamId, state);
      const created = state;
      created.busy = true;
      created.reading = latestSeq(this.prisma, subscriber.teamId).then(
        (seq) => {
          created.last = seq;
        },
        (error: unknown) => this.log.error({ err: error }, 'could not read the latest event'),
      );
      created.reading.finally(() => {
        created.busy = false;
        if (created.again) this.notified(subscriber.teamId);
      });
    }
    state.subscribers.add(subscriber);
    if (subscriber.apiKeyId) {
      const set = this.byKey.get(subscriber.apiKeyId) ?? new Set();
      set.add(subscriber);
      this.byKey.set(subscriber.apiKeyId, set);
    }
    await state.reading;
    return () => this.unsubscribe(subscriber);
  }

  private unsubscribe(subscriber: EventSubscriber): void {
    const state = this.teams.get(subscriber.teamId);
    state?.subscribers.delete(subscriber);
    if (state && state.subscribers.size === 0) this.teams.delete(subscriber.teamId);
    if (subscriber.apiKeyId) {
      const set = this.byKey.get(subscriber.apiKeyId);
      set?.delete(subscriber);
      if (set?.size === 0) this.byKey.delete(subscriber.apiKeyId);
    }
  }

  /** How many teams and subscribers this instance serves (for tests and health). */
  get size(): { teams: number; subscribers: number } {
    let subscribers = 0;
    this.teams.forEach((state) => (subscribers += state.subscribers.size));
    return { teams: this.teams.size, subscribers };
  }

  private notified(teamId: string): void {
    const state = this.teams.get(teamId);
    if (!state) return;
    if (state.busy) {
      state.again = true;
      return;
    }
    state.busy = true;
    state.again = false;
    const gap = Math.min(READ_GAP_MAX_MS, Math.max(READ_GAP_MIN_MS, state.subscribers.size * READ_GAP_PER_SUBSCRIBER_MS));
    const wait = state.readAt + gap - performance.now();
    state.reading = (wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve())
      .then(() => {
        state.readAt = performance.now();
        return this.deliverNew(teamId, state);
      })
      .catch((error: unknown) => this.log.error({ err: error, teamId }, 'could not read new events'))
      .finally(() => {
        state.busy = false;
        if (state.again && this.teams.get(teamId) === state) this.notified(teamId);
      });
  }

  private async deliverNew(teamId: string, state: TeamState): Promise<void> {
    for (;;) {
      const events = await readEvents(this.prisma, { teamId }, state.last, READ_BATCH);
      if (events.length === 0) return;
      state.last = events.at(-1)!.seq;
      // Subscriber by subscriber, each taking all of its events in order: a subscriber's objects
      // (stream, socket, buffers) are then visited once per read, not once per event.
      let served = 0;
      for (const subscriber of [...state.subscribers]) {
        if (++served % SUBSCRIBERS_PER_TURN === 0) await nextTurn();
        for (const event of events) {
          if (subscriber.apiKeyId && subscriber.apiKeyId !== event.apiKeyId) continue;
          if (subscriber.triggerId && subscriber.triggerId !== event.triggerId) continue;
          try {
            subscriber.deliver(event);
          } catch (error) {
            this.log.error({ err: error }, 'an event subscriber failed');
          }
        }
      }
      if (events.length < READ_BATCH) return;
    }
  }
}
