import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate, MigrationError, readMigrations } from '../src/db/migrator.js';
import { createTestDatabase } from './harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function emptyDatabase() {
  const database = await createTestDatabase({ empty: true });
  cleanups.push(() => database.drop());
  return database;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const onDisk = readMigrations().map((migration) => migration.name);

describe('migrator', () => {
  it('applies every migration to an empty database and records them as Prisma does', async () => {
    const { url } = await emptyDatabase();
    expect(await migrate(url)).toEqual(onDisk);
    const rows = await query<{ id: string; checksum: string; migration_name: string; finished_at: Date | null; logs: string | null; applied_steps_count: number; started_at: Date }>(
      url,
      'SELECT * FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((row) => row.migration_name)).toEqual(onDisk);
    for (const row of rows) {
      const sql = readFileSync(join(defaultMigrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
    }
  });

  it('does nothing when run again', async () => {
    const { url } = await emptyDatabase();
    await migrate(url);
    expect(await migrate(url)).toEqual([]);
    expect(await query(url, 'SELECT 1 FROM "_prisma_migrations"')).toHaveLength(onDisk.length);
  });

  it('applies each migration once when two instances start together', async () => {
    const { url } = await emptyDatabase();
    const [first, second] = await Promise.all([migrate(url), migrate(url)]);
    expect([...first, ...second].sort()).toEqual(onDisk);
    expect(await query(url, 'SELECT 1 FROM "_prisma_migrations"')).toHaveLength(onDisk.length);
  });

  it('records a failing migration, rolls it back, and refuses to start until it is resolved', async () => {
    const { url } = await emptyDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-migrations-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(defaultMigrationsDir, dir, { recursive: true });
    mkdirSync(join(dir, '29991231000000_broken'));
    writeFileSync(join(dir, '29991231000000_broken', 'migration.sql'), 'CREATE TABLE "half_done" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n');

    const failure = await migrate(url, { dir }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).message).toContain('29991231000000_broken');
    expect((failure as MigrationError).message).toContain('no_such_table');

    const [row] = await query<{ finished_at: Date | null; logs: string }>(url, `SELECT finished_at, logs FROM "_prisma_migrations" WHERE migration_name = '29991231000000_broken'`);
    expect(row?.finished_at).toBeNull();
    expect(row?.logs).toContain('no_such_table');
    expect(await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`)).toHaveLength(0);
    // The migrations before it were applied and kept.
    expect(await query(url, 'SELECT 1 FROM "_prisma_migrations" WHERE finished_at IS NOT NULL')).toHaveLength(onDisk.length);

    const again = await migrate(url, { dir }).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(MigrationError);
    expect((again as MigrationError).message).toMatch(/29991231000000_broken failed earlier/);
  });
});
