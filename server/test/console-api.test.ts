import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, ALL_RECORDS, createKey, createTeam, RUN_ACTION, startTestServer, withKey, type TestKey, type TestServer, type TestUser } from './harness.js';

let server: TestServer;
let owner: TestUser;
let admin: TestUser;
let member: TestUser;
let outsider: TestUser;
let teamId: string;
let otherTeamId: string;

beforeAll(async () => {
  server = await startTestServer();
  [owner, admin, member, outsider] = await Promise.all([server.signUp(), server.signUp(), server.signUp(), server.signUp()]);
  teamId = await createTeam(server, owner, 'Console');
  await addMember(server, teamId, admin, 'ADMIN');
  await addMember(server, teamId, member, 'MEMBER');
  otherTeamId = await createTeam(server, outsider, 'Elsewhere');
});
afterAll(() => server.close());

const as = (user: TestUser) => (query: string, variables: Record<string, unknown> = {}) => server.graphql(query, variables, { cookie: user.cookie });
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

const run = (key: TestKey, component: string, input: Record<string, unknown>) => withKey(server, key.secret)(RUN_ACTION, { component, input });

describe('ApiKey.usage', () => {
  const USAGE = 'query ($id: ID!, $days: Int) { team(id: $id) { apiKeys { id usage(days: $days) { day runs failed } } } }';

  it('counts runs and failures per UTC day, oldest first, with empty days as zero', async () => {
    const busy = await createKey(server, admin, teamId, { name: 'busy' });
    const idle = await createKey(server, admin, teamId, { name: 'idle' });
    await run(busy, 'records.create', { collection: 'usage', data: {} });
    await run(busy, 'records.create', { collection: 'usage', data: {} });
    // A missing record fails the run.
    const failed = await run(busy, 'records.get', { collection: 'usage', id: 'missing' });
    expect(failed.data?.runAction.status).toBe('FAILED');
    // Two days ago, and one run just outside a 3-day window.
    const { prisma } = server.latchkey.services;
    const earlier = (days: number) => ({ teamId, apiKeyId: busy.id, component: 'records.create', status: 'SUCCEEDED' as const, inputHash: 'x', durationMs: 1, startedAt: new Date(Date.now() - days * 86_400_000) });
    await prisma.actionRun.createMany({ data: [earlier(2), earlier(3)] });

    const result = await as(member)(USAGE, { id: teamId, days: 3 });
    expect(result.errors).toBeUndefined();
    const byId = new Map(result.data!.team.apiKeys.map((key: { id: string; usage: unknown }) => [key.id, key.usage]));
    expect(byId.get(busy.id)).toEqual([
      { day: utcDay(-2), runs: 1, failed: 0 },
      { day: utcDay(-1), runs: 0, failed: 0 },
      { day: utcDay(0), runs: 3, failed: 1 },
    ]);
    expect(byId.get(idle.id)).toEqual([utcDay(-2), utcDay(-1), utcDay(0)].map((day) => ({ day, runs: 0, failed: 0 })));

    const fortnight = await as(admin)('query ($id: ID!, $key: ID!) { team(id: $id) { apiKey(id: $key) { usage { day runs } } } }', { id: teamId, key: busy.id });
    const usage = fortnight.data!.team.apiKey.usage as { day: string; runs: number }[];
    expect(usage).toHaveLength(14);
    expect(usage.at(-1)).toEqual({ day: utcDay(0), runs: 3 });
    expect(usage.at(-4)).toEqual({ day: utcDay(-3), runs: 1 });
  });

  it('clamps days to 1..90', async () => {
    const few = await as(admin)(USAGE, { id: teamId, days: 0 });
    const many = await as(admin)(USAGE, { id: teamId, days: 1000 });
    expect(few.data!.team.apiKeys[0].usage).toHaveLength(1);
    expect(many.data!.team.apiKeys[0].usage).toHaveLength(90);
  });

  it('answers a list of keys with one usage query, whatever the number of keys', async () => {
    for (let index = 0; index < 3; index++) await createKey(server, admin, teamId, { name: `extra ${index}` });
    const { prisma } = server.latchkey.services;
    const original = prisma.$queryRaw.bind(prisma);
    let usageQueries = 0;
    prisma.$queryRaw = ((query: TemplateStringsArray, ...values: unknown[]) => {
      if (query.join('').includes('"action_run"')) usageQueries++;
      return original(query, ...values);
    }) as typeof prisma.$queryRaw;
    try {
      const result = await as(admin)(USAGE, { id: teamId, days: 7 });
      expect(result.data!.team.apiKeys.length).toBeGreaterThanOrEqual(5);
      expect(usageQueries).toBe(1);
    } finally {
      prisma.$queryRaw = original;
    }
  });

  it("answers NOT_FOUND for another team's keys", async () => {
    const result = await as(outsider)(USAGE, { id: teamId, days: 3 });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(result.data?.team).toBeNull();
  });
});
