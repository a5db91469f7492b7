import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log.js';

type Handler = (payload: string) => void;

const ACK_CHANNEL = 'latchkey_ack';
const APPLICATION_PREFIX = 'latchkey-listener:';

/**
 * PostgreSQL LISTEN/NOTIFY: how one server instance tells the others that something changed
 * (a key revoked, an event stored). One dedicated connection listens; it reconnects on failure and
 * then tells every subscriber `onReconnect`, since notifications sent meanwhile were missed.
 *
 * Changes that must be seen before the next request anywhere (key revocation) are acknowledged:
 * the payload carries a nonce, every listening instance answers on `latchkey_ack` once it has
 * handled it, and the sender waits for the instances it can see in `pg_stat_activity`.
 */
export class Notifier {
  readonly instanceId = randomUUID();
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly reconnectHandlers = new Set<() => void>();
  private readonly acks = new Map<string, { from: Set<string>; changed: () => void }>();
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  /** Queries on the listening connection run one at a time (pg does not pipeline them). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
  ) {
    this.handlers.set(ACK_CHANNEL, new Set([(payload) => this.acknowledged(payload)]));
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: `${APPLICATION_PREFIX}${this.instanceId}` });
    client.on('notification', (message) => this.deliver(message.channel, message.payload ?? ''));
    client.on('error', (error) => {
      this.log.warn(`notification connection lost (${error.message}); reconnecting`);
      this.reconnectSoon();
    });
    client.on('end', () => this.reconnectSoon());
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`LISTEN "${channel}"`);
    this.client = client;
  }

  private deliver(channel: string, payload: string): void {
    // An acknowledged notification is "<body>\n<nonce>".
    const [body, nonce] = payload.split('\n');
    for (const handler of this.handlers.get(channel) ?? []) handler(body!);
    if (nonce && channel !== ACK_CHANNEL) {
      this.query('SELECT pg_notify($1, $2)', [ACK_CHANNEL, `${nonce}|${this.instanceId}`]).catch(() => {});
    }
  }

  private acknowledged(payload: string): void {
    const [nonce, instance] = payload.split('|');
    const pending = this.acks.get(nonce!);
    if (!pending || !instance) return;
    pending.from.add(instance);
    pending.changed();
  }

  private reconnectSoon(): void {
    if (this.closed || this.retry) return;
    this.client = null;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start().then(
        () => this.reconnectHandlers.forEach((handler) => handler()),
        () => this.reconnectSoon(),
      );
    }, 500);
  }

  async listen(channel: string, handler: Handler): Promise<void> {
    const isNew = !this.handlers.has(channel);
    if (isNew) this.handlers.set(channel, new Set());
    this.handlers.get(channel)!.add(handler);
    if (isNew && this.client) await this.query(`LISTEN "${channel}"`);
  }

  onReconnect(handler: () => void): void {
    this.reconnectHandlers.add(handler);
  }

  /** Starts collecting acknowledgements; put the result in the payload as `<body>\n<nonce>`. */
  expectAcknowledgements(): string {
    const nonce = randomUUID();
    this.acks.set(nonce, { from: new Set(), changed: () => {} });
    return nonce;
  }

  /**
   * Waits until every instance listening on this database has handled the notification with
   * `nonce`, or `timeoutMs` has passed (an instance that hangs must not block an admin).
   */
  async awaitAcknowledgements(nonce: string, timeoutMs = 2000): Promise<boolean> {
    const pending = this.acks.get(nonce);
    if (!pending) return false;
    try {
      const listeners = await this.liveInstances();
      const deadline = Date.now() + timeoutMs;
      while (![...listeners].every((instance) => pending.from.has(instance))) {
        const left = deadline - Date.now();
        if (left <= 0) {
          this.log.warn({ missing: [...listeners].filter((instance) => !pending.from.has(instance)).length }, 'some server instances did not confirm a key change in time');
          return false;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          pending.changed = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return true;
    } finally {
      this.acks.delete(nonce);
    }
  }

  private query<Row extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<Row>> {
    const run = this.queue.then(() => {
      if (!this.client) throw new Error('the notification connection is not open');
      return this.client.query<Row>(sql, params);
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private async liveInstances(): Promise<Set<string>> {
    if (!this.client) return new Set();
    const { rows } = await this.query<{ application_name: string }>(
      'SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $1',
      [`${APPLICATION_PREFIX}%`],
    );
    return new Set(rows.map((row) => row.application_name.slice(APPLICATION_PREFIX.length)));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
