import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { startTestServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('answers /healthz while the process is up', async () => {
  const response = await fetch(`${server.url}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
});

it('answers /readyz 200 with every migration applied, 503 when one is missing', async () => {
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  const [latest] = (await client.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1')).rows;
  await client.query('UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = $1', [latest!.migration_name]);
  try {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ready: false, pendingMigrations: [latest!.migration_name] });
  } finally {
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now() WHERE migration_name = $1', [latest!.migration_name]);
    await client.end();
  }
});

it('answers 404 for unknown paths and unknown webhook targets', async () => {
  expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  expect((await fetch(`${server.url}/webhooks/nope/1`, { method: 'POST', body: '{}' })).status).toBe(404);
});
