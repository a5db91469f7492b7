import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrator.js';

export const TEMPLATE_DATABASE = 'latchkey_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the test PostgreSQL server, without a database name. */
    postgresServerUrl: string;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * One real PostgreSQL for the whole run, in a throw-away directory. A migrated template database
 * is made once; every test file clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
 */
export default async function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), 'latchkey-test-'));
  chmodSync(root, 0o755);
  const database = await startEmbeddedPostgres(join(root, 'postgres'), await freePort());
  const admin = new pg.Client({ connectionString: database.url('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  await migrate(database.url(TEMPLATE_DATABASE));
  project.provide('postgresServerUrl', database.url('').replace(/\/$/, ''));
  return async () => {
    await database.stop();
    rmSync(root, { recursive: true, force: true });
  };
}
