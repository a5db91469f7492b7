import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteExpiredEvents, fireDueSchedules } from '../src/triggers/scheduler.js';
import { createKey, createTeam, startTestServer, withKey, type TestKey, type TestServer, type TestUser } from './harness.js';
import { subscribe, subscribers } from './subscriptions.js';

const REGISTER = 'mutation ($component: String!, $config: JSON) { registerTrigger(component: $component, config: $config) { trigger { id component config status } } }';
const REMOVE = 'mutation ($id: ID!) { removeTrigger(id: $id) }';
const SUBSCRIBE = 'subscription ($triggerId: ID) { triggerEvents(triggerId: $triggerId) { id cursor triggerId component payload } }';

interface Event {
  id: string;
  triggerId: string;
  component: string;
  payload: { firedAt: string; scheduledFor: string; seconds: number };
}

let server: TestServer;
let second: TestServer;
let admin: TestUser;
let teamId: string;

beforeAll(async () => {
  server = await startTestServer();
  // A second instance on the same database: both run the scheduler loop.
  second = await startTestServer({ databaseUrl: server.databaseUrl });
  admin = await server.signUp();
  teamId = await createTeam(server, admin);
});
afterAll(async () => {
  await second?.close();
  await server?.close();
});

const newKey = () => createKey(server, admin, teamId, { apps: [{ app: 'schedule', components: ['schedule.interval'] }] });
const register = async (key: TestKey, seconds: number): Promise<string> => {
  const result = await withKey(server, key.secret)(REGISTER, { component: 'schedule.interval', config: { seconds } });
  expect(result.errors).toBeUndefined();
  return result.data!.registerTrigger.trigger.id;
};
const storedEvents = (triggerId: string) => server.latchkey.services.prisma.triggerEvent.findMany({ where: { triggerId }, orderBy: { seq: 'asc' } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(predicate: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

describe('schedule.interval', () => {
  it('is in the catalog as a READ trigger of an app without connection', async () => {
    const key = await newKey();
    const result = await withKey(server, key.secret)('{ component(key: "schedule.interval") { kind scope app { key needsConnection } inputSchema outputSchema } }');
    expect(result.data?.component).toMatchObject({ kind: 'TRIGGER', scope: 'READ', app: { key: 'schedule', needsConnection: false } });
    expect(result.data?.component.inputSchema.properties.seconds).toMatchObject({ type: 'integer', minimum: 1 });
    expect(result.data?.component.outputSchema.required).toEqual(['firedAt', 'scheduledFor', 'seconds']);
  });

  it('fires once per interval with two server instances, and a subscriber sees each event once', async () => {
    const key = await newKey();
    const subscription = subscribe<Event>(second, key.secret, SUBSCRIBE);
    try {
      await subscribers(second, 1);
      const registeredAt = Date.now();
      const triggerId = await register(key, 1);
      const trigger = await server.latchkey.services.prisma.trigger.findUniqueOrThrow({ where: { id: triggerId } });
      const first = trigger.nextFireAt!.getTime();
      expect(first - registeredAt).toBeGreaterThanOrEqual(900);
      expect(first - registeredAt).toBeLessThan(2000);

      await sleep(Math.max(0, registeredAt + 3500 - Date.now()));
      await until(async () => (await storedEvents(triggerId)).length >= 3, 5000);
      const elapsedSlots = Math.floor((Date.now() - first) / 1000) + 1;
      const stored = await storedEvents(triggerId);
      // One event per slot, the slots one second apart from the first: no double fire, no gap.
      expect(stored.length).toBeLessThanOrEqual(elapsedSlots);
      expect(stored.map((event) => (event.payload as Event['payload']).scheduledFor)).toEqual(stored.map((_, i) => new Date(first + i * 1000).toISOString()));
      expect(stored.map((event) => event.deliveryId)).toEqual(stored.map((event) => (event.payload as Event['payload']).scheduledFor));
      for (const event of stored) {
        const payload = event.payload as Event['payload'];
        expect(payload.seconds).toBe(1);
        expect(Date.parse(payload.firedAt)).toBeGreaterThanOrEqual(Date.parse(payload.scheduledFor));
        expect(event.component).toBe('schedule.interval');
      }

      await subscription.until(() => subscription.items.length >= stored.length);
      await sleep(100);
      const now = await storedEvents(triggerId);
      expect(subscription.items.map((event) => event.id)).toEqual(now.map((event) => event.id));
      expect(new Set(subscription.items.map((event) => event.id)).size).toBe(subscription.items.length);
      await withKey(server, key.secret)(REMOVE, { id: triggerId });
    } finally {
      await subscription.close();
    }
  });

  it('after a long pause fires once and moves to the next future slot, without a burst of catch-up fires', async () => {
    const key = await newKey();
    const triggerId = await register(key, 60);
    const { prisma } = server.latchkey.services;
    const slot = new Date(Date.now() - 3 * 3600_000 - 10_000);
    await prisma.trigger.update({ where: { id: triggerId }, data: { nextFireAt: slot } });
    await until(async () => (await storedEvents(triggerId)).length >= 1, 3000);
    await sleep(600);
    const stored = await storedEvents(triggerId);
    expect(stored).toHaveLength(1);
    expect((stored[0]!.payload as Event['payload']).scheduledFor).toBe(slot.toISOString());
    const next = (await prisma.trigger.findUniqueOrThrow({ where: { id: triggerId } })).nextFireAt!.getTime();
    expect(next).toBeGreaterThan(Date.now());
    expect(next - Date.now()).toBeLessThanOrEqual(60_000);
    expect((next - slot.getTime()) % 60_000).toBe(0);
    expect(await fireDueSchedules(prisma)).toBe(0);
    await withKey(server, key.secret)(REMOVE, { id: triggerId });
  });

  it('validates the config, with issue paths', async () => {
    const key = await newKey();
    for (const config of [{ seconds: 0 }, { seconds: 1.5 }, { seconds: 31 * 86400 + 1 }, { seconds: '5' }, {}, { seconds: 5, extra: true }]) {
      const result = await withKey(server, key.secret)(REGISTER, { component: 'schedule.interval', config });
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(config)).toBe('BAD_USER_INPUT');
      const paths = (result.errors![0]!.extensions!.issues as { path: string[] }[]).map((issue) => issue.path[0]);
      expect(paths.every((path) => path === 'config')).toBe(true);
    }
    const zero = await withKey(server, key.secret)(REGISTER, { component: 'schedule.interval', config: { seconds: 0 } });
    expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['config', 'seconds'] }] });
    expect(await server.latchkey.services.prisma.trigger.count({ where: { apiKeyId: key.id } })).toBe(0);
  });

  it('stops firing once the trigger is removed', async () => {
    const key = await newKey();
    const subscription = subscribe<Event>(server, key.secret, SUBSCRIBE);
    try {
      await subscribers(server, 1);
      const triggerId = await register(key, 1);
      await subscription.until(() => subscription.items.length >= 1, 4000);
      expect((await withKey(server, key.secret)(REMOVE, { id: triggerId })).data?.removeTrigger).toBe(triggerId);
      // An event committed just before the removal may still be on its way; none after it.
      await sleep(300);
      const seen = subscription.items.length;
      await sleep(1700);
      expect(subscription.items.length).toBe(seen);
      expect(await server.latchkey.services.prisma.trigger.count({ where: { id: triggerId } })).toBe(0);
      expect(await server.latchkey.services.prisma.triggerEvent.count({ where: { apiKeyId: key.id } })).toBe(0);
    } finally {
      await subscription.close();
    }
  });
});

describe('event retention', () => {
  it('deletes events older than the retention, in batches, and keeps recent ones', async () => {
    const key = await newKey();
    const triggerId = await register(key, 86400);
    const { prisma } = server.latchkey.services;
    const day = 86400_000;
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * day);
    const base = { teamId, triggerId, apiKeyId: key.id, component: 'schedule.interval', payload: {} };
    const old = await Promise.all([30, 10, 8, 7.01, 7.5].map((daysAgo, i) => prisma.triggerEvent.create({ data: { ...base, deliveryId: `old-${i}`, occurredAt: at(daysAgo) } })));
    const recent = await Promise.all([6.9, 0.5, 0].map((daysAgo, i) => prisma.triggerEvent.create({ data: { ...base, deliveryId: `recent-${i}`, occurredAt: at(daysAgo) } })));

    // Another instance running the job holds the lock: this one does nothing.
    const other = new pg.Client({ connectionString: server.databaseUrl });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtextextended('latchkey:event-retention', 0))`);
      expect(await deleteExpiredEvents(prisma, 7, 2)).toBe(0);
      await other.query(`SELECT pg_advisory_unlock(hashtextextended('latchkey:event-retention', 0))`);
    } finally {
      await other.end();
    }

    expect(server.latchkey.services.config.eventRetentionDays).toBe(7);
    expect(await deleteExpiredEvents(prisma, 7, 2)).toBe(old.length);
    const left = await prisma.triggerEvent.findMany({ where: { triggerId }, select: { id: true } });
    expect(left.map((event) => event.id).sort()).toEqual(recent.map((event) => event.id).sort());
    expect(await deleteExpiredEvents(prisma, 1, 100)).toBe(1);
    await withKey(server, key.secret)(REMOVE, { id: triggerId });
  });
});
