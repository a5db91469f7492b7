import pg from 'pg';
import type { Logger } from '../log.js';

type Handler = (payload: string) => void;

/**
 * PostgreSQL LISTEN/NOTIFY: how one server instance tells the others that something changed
 * (a key revoked, an event stored). One dedicated connection listens; it reconnects on failure and
 * then tells every subscriber `onReconnect`, since notifications sent meanwhile were missed.
 */
export class Notifier {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly reconnectHandlers = new Set<() => void>();
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', (error) => {
      this.log.warn(`notification connection lost (${error.message}); reconnecting`);
      this.reconnectSoon();
    });
    client.on('end', () => this.reconnectSoon());
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`LISTEN "${channel}"`);
    this.client = client;
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
    if (isNew && this.client) await this.client.query(`LISTEN "${channel}"`);
  }

  onReconnect(handler: () => void): void {
    this.reconnectHandlers.add(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
