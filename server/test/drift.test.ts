import { afterAll, beforeAll, expect, it } from 'vitest';
import { actualFromDatabase, expectedFromSchema } from './schema-drift.js';
import { createTestDatabase } from './harness.js';
import { migrate } from '../src/db/migrator.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

it('the migrations build exactly the database that prisma/schema.prisma describes', async () => {
  // The template every test database is cloned from was built by the migrator from empty.
  expect(await migrate(database.url)).toEqual([]);
  const expected = await expectedFromSchema();
  expect(expected.length).toBeGreaterThan(20);
  expect(await actualFromDatabase(database.url)).toEqual(expected);
});

it('notices a column, default, index or foreign key that differs from the schema', async () => {
  const scratch = await createTestDatabase();
  try {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: scratch.url });
    await client.connect();
    await client.query(`ALTER TABLE "user" ALTER COLUMN "emailVerified" DROP DEFAULT`);
    await client.query(`ALTER TABLE "member" ADD COLUMN "extra" TEXT`);
    await client.query(`DROP INDEX "team_slug_key"`);
    await client.query(`ALTER TABLE "session" DROP CONSTRAINT "session_userId_fkey"`);
    await client.end();
    const expected = await expectedFromSchema();
    const actual = await actualFromDatabase(scratch.url);
    const missing = expected.filter((line) => !actual.includes(line));
    const extra = actual.filter((line) => !expected.includes(line));
    expect(missing).toEqual([
      'column user.emailVerified boolean not null default false',
      'fk session_userId_fkey session(userId) -> user(id) on delete CASCADE on update CASCADE',
      'unique team_slug_key on team(slug)',
    ]);
    expect(extra).toEqual(['column member.extra text null default -', 'column user.emailVerified boolean not null default -']);
  } finally {
    await scratch.drop();
  }
});
