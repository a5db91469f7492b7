import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { createAuth } from './access/auth.js';
import type { Services } from './access/context.js';
import type { Config } from './config.js';
import { createPrismaClient } from './db/client.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrate } from './db/migrator.js';
import { Notifier } from './db/notifier.js';
import { EventAppender } from './events/appender.js';
import { EventFanout } from './events/fanout.js';
import { KeyUsage } from './keys/usage.js';
import { KeyVerifier } from './keys/verifier.js';
import { createHttpServer } from './http.js';
import { Scheduler } from './triggers/scheduler.js';
import { createLogger, type Logger } from './log.js';

export interface Latchkey {
  services: Services;
  /** The base URL the server listens on (after `listen`). */
  url: string;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export const EMBEDDED_DATABASE = 'latchkey';

/** Finds or starts the database, brings its schema up to date, and builds the server on it. */
export async function createLatchkey(config: Config, options: { logDestination?: DestinationStream; log?: Logger } = {}): Promise<Latchkey> {
  const log = options.log ?? createLogger(config.logLevel, options.logDestination);
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);
    embedded = await startEmbeddedPostgres(join(config.dataDir, 'postgres'), port, (line) => log.debug({ source: 'postgres' }, line.trim()));
    databaseUrl = embedded.url('postgres');
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${EMBEDDED_DATABASE}"`);
    await admin.end();
    databaseUrl = embedded.url(EMBEDDED_DATABASE);
    log.info(`embedded PostgreSQL running on port ${port} with data in ${join(config.dataDir, 'postgres')}`);
  }

  try {
    await migrate(databaseUrl, { log: (message) => log.info(message) });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  const prisma = createPrismaClient(databaseUrl);
  const notifier = new Notifier(databaseUrl, log);
  await notifier.start();
  const keyUsage = new KeyUsage(prisma, log);
  keyUsage.start();
  const keys = new KeyVerifier(prisma, keyUsage);
  await keys.listen(notifier);
  // After the verifier, so a key change has cleared its cache when open subscriptions re-check it.
  const events = new EventFanout(prisma, log);
  await events.listen(notifier);
  const services: Services = { config, prisma, log, notifier, keys, keyUsage, events, appender: new EventAppender(prisma, log), auth: createAuth(config, prisma, log) };
  const scheduler = new Scheduler(prisma, log, { retentionDays: config.eventRetentionDays });
  scheduler.start();
  const http = createHttpServer(services);
  let url = '';

  return {
    services,
    get url() {
      return url;
    },
    listen: () =>
      new Promise((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(config.port, config.host, () => {
          const address = http.server.address() as AddressInfo;
          url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${address.port}`;
          resolve(url);
        });
      }),
    async close() {
      await http.closeWebSockets();
      http.server.closeAllConnections();
      await new Promise<void>((resolve) => http.server.close(() => resolve()));
      await scheduler.stop();
      await keyUsage.stop();
      await notifier.close();
      await prisma.$disconnect();
      await embedded?.stop();
    },
  };
}
