import { defineConfig } from 'prisma/config';

// Only the Prisma CLI reads this file; Latchkey itself applies migrations with server/src/db/migrator.ts.
export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
