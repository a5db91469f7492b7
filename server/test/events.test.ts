import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_RECORDS, cookieFrom, createKey, createTeam, RUN_ACTION, startTestServer, withKey, type TestKey, type TestServer, type TestUser } from './harness.js';
import { subscribe, subscribers } from './subscriptions.js';

const RECORD_TRIGGERS = ['records.created', 'records.updated', 'records.deleted'];
const REGISTER = 'mutation ($component: String!, $config: JSON) { registerTrigger(component: $component, config: $config) { trigger { id } } }';
const EVENTS = 'query ($triggerId: ID, $after: String, $first: Int) { triggerEvents(triggerId: $triggerId, after: $after, first: $first) { events { id cursor triggerId component payload occurredAt } endCursor hasMore } }';
const SUBSCRIBE = 'subscription ($triggerId: ID, $after: String) { triggerEvents(triggerId: $triggerId, after: $after) { id cursor triggerId component payload } }';

interface Event {
  id: string;
  cursor: string;
  triggerId: string;
  component: string;
  payload: { record: { id: string; collection: string; data: Record<string, unknown> } };
}

let server: TestServer;
let admin: TestUser;
let teamId: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.signUp();
  teamId = await createTeam(server, admin);
});
afterAll(() => server.close());

const newKey = (spec: Parameters<typeof createKey>[3] = {}) => createKey(server, admin, teamId, { apps: [{ app: 'records', components: [...ALL_RECORDS, ...RECORD_TRIGGERS] }], ...spec });
const register = async (key: TestKey, component: string, collection: string): Promise<string> => {
  const result = await withKey(server, key.secret)(REGISTER, { component, config: { collection } });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.registerTrigger.trigger.id;
};
const run = async (key: TestKey, component: string, input: Record<string, unknown>, on: TestServer = server) => {
  const result = await withKey(on, key.secret)(RUN_ACTION, { component, input });
  if (result.data?.runAction.status !== 'SUCCEEDED') throw new Error(JSON.stringify(result));
  return result.data.runAction.output;
};
const page = async (key: TestKey, variables: Record<string, unknown> = {}) => (await withKey(server, key.secret)(EVENTS, variables)).data!.triggerEvents as { events: Event[]; endCursor: string | null; hasMore: boolean };

describe('records changes become events', () => {
  it('streams created, updated and deleted records of the watched collection over graphql-ws', async () => {
    const key = await newKey();
    const created = await register(key, 'records.created', 'orders');
    const updated = await register(key, 'records.updated', 'orders');
    const deleted = await register(key, 'records.deleted', 'orders');
    const subscription = subscribe<Event>(server, key.secret, SUBSCRIBE);
    try {
      await subscribers(server, 1);
      const record = await run(key, 'records.create', { collection: 'orders', data: { n: 1 } });
      await run(key, 'records.create', { collection: 'invoices', data: { n: 2 } });
      await run(key, 'records.update', { collection: 'orders', id: record.id, data: { n: 3 } });
      await run(key, 'records.delete', { collection: 'orders', id: record.id });
      await subscription.until(() => subscription.items.length >= 3);
      expect(subscription.items.map((event) => [event.component, event.triggerId, event.payload.record.data])).toEqual([
        ['records.created', created, { n: 1 }],
        ['records.updated', updated, { n: 3 }],
        ['records.deleted', deleted, { n: 3 }],
      ]);
      expect(subscription.items[2]!.payload.record).toMatchObject({ id: record.id, collection: 'orders' });
      expect(subscription.errors).toEqual([]);
      // lastEventAt follows the log.
      const triggers = await withKey(server, key.secret)('{ triggers { id lastEventAt } }');
      expect(triggers.data?.triggers.every((t: { lastEventAt: string | null }) => t.lastEventAt !== null)).toBe(true);
    } finally {
      await subscription.close();
    }
    await subscribers(server, 0);
  });

  it("delivers a key only its own events, and a trigger's only when asked for one", async () => {
    const mine = await newKey();
    const theirs = await newKey();
    const first = await register(mine, 'records.created', 'shared');
    const second = await register(mine, 'records.created', 'other');
    await register(theirs, 'records.created', 'shared');
    await run(mine, 'records.create', { collection: 'shared', data: {} });
    await run(mine, 'records.create', { collection: 'other', data: {} });
    expect((await page(mine)).events.map((event) => event.triggerId)).toEqual([first, second]);
    expect((await page(mine, { triggerId: second })).events.map((event) => event.triggerId)).toEqual([second]);
    expect((await page(theirs)).events).toHaveLength(1);
    const foreign = await withKey(server, theirs.secret)(EVENTS, { triggerId: first });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const bad = await withKey(server, mine.secret)(EVENTS, { after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['after'] }] });
  });

  it('pages the query by cursor with no gap and no repeat', async () => {
    const key = await newKey();
    await register(key, 'records.created', 'paged');
    for (let i = 0; i < 7; i++) await run(key, 'records.create', { collection: 'paged', data: { i } });
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const result = await page(key, { after, first: 3 });
      seen.push(...result.events.map((event) => event.payload.record.data.i as number));
      after = result.endCursor;
      if (!result.hasMore) break;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // The end cursor of the last page waits for what comes next.
    await run(key, 'records.create', { collection: 'paged', data: { i: 7 } });
    expect((await page(key, { after })).events.map((event) => event.payload.record.data.i)).toEqual([7]);
  });

  it("commits a team's events in seq order, so a reader never sees a later event before an earlier one", async () => {
    const key = await newKey();
    // Two triggers, so nothing but the team lock orders the two transactions.
    const triggers = [await register(key, 'records.created', 'order'), await register(key, 'records.updated', 'order')];
    const { prisma } = server.latchkey.services;
    const { appendEvent, readEvents, latestSeq } = await import('../src/events/log.js');
    const before = await latestSeq(prisma, teamId);
    const append = (hold: number) =>
      prisma.$transaction(async (tx) => {
        const triggerId = triggers[hold > 0 ? 0 : 1]!;
        const event = await appendEvent(tx, { teamId, triggerId, apiKeyId: key.id, component: 'records.created', payload: {} });
        await new Promise((resolve) => setTimeout(resolve, hold));
        return event!;
      });
    // The first holds its transaction open; the second, started later, would commit first without the team lock.
    const first = append(400);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = append(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await readEvents(prisma, { teamId }, before, 10)).toEqual([]);
    const [a, b] = await Promise.all([first, second]);
    expect(b.seq).toBeGreaterThan(a.seq);
    expect((await readEvents(prisma, { teamId }, before, 10)).map((event) => event.id)).toEqual([a.id, b.id]);
  });

  it('keeps a redelivery of the same delivery id out of the log', async () => {
    const key = await newKey();
    const triggerId = await register(key, 'records.created', 'dedupe');
    const { prisma } = server.latchkey.services;
    const { appendEvent } = await import('../src/events/log.js');
    const append = () => prisma.$transaction((tx) => appendEvent(tx, { teamId, triggerId, apiKeyId: key.id, component: 'records.created', deliveryId: 'd-1', payload: { n: 1 } }));
    expect(await append()).not.toBeNull();
    expect(await append()).toBeNull();
    expect((await page(key)).events).toHaveLength(1);
  });
});

describe('replay and live hand-over', () => {
  it('replays after a middle cursor, then streams: every later event exactly once, in order, while events keep coming', async () => {
    const key = await newKey();
    await register(key, 'records.created', 'stream');
    for (let i = 0; i < 20; i++) await run(key, 'records.create', { collection: 'stream', data: { i } });
    const middle = (await page(key, { first: 10 })).endCursor;
    // Producers race the subscription's replay and hand-over.
    const producing = (async () => {
      for (let i = 20; i < 60; i += 4) await Promise.all([0, 1, 2, 3].map((j) => run(key, 'records.create', { collection: 'stream', data: { i: i + j } })));
    })();
    const subscription = subscribe<Event>(server, key.secret, SUBSCRIBE, { after: middle });
    try {
      await producing;
      await subscription.until(() => subscription.items.length >= 50);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const all = await page(key, { first: 500 });
      const expected = all.events.slice(10).map((event) => event.id);
      expect(subscription.items.map((event) => event.id)).toEqual(expected);
      expect(new Set(subscription.items.map((event) => event.payload.record.data.i)).size).toBe(50);
      expect(subscription.errors).toEqual([]);
    } finally {
      await subscription.close();
    }
  });

  it('replays a long history in order, a page at a time', async () => {
    const key = await newKey();
    const triggerId = await register(key, 'records.created', 'history');
    const { appendEvent } = await import('../src/events/log.js');
    await server.latchkey.services.prisma.$transaction(async (tx) => {
      for (let i = 0; i < 1000; i++) await appendEvent(tx, { teamId, triggerId, apiKeyId: key.id, component: 'records.created', payload: { record: { data: { i } } } });
    }, { timeout: 30_000 });
    const subscription = subscribe<Event>(server, key.secret, SUBSCRIBE);
    try {
      await subscription.until(() => subscription.items.length >= 1000, 15_000);
      expect(subscription.items.map((event) => event.payload.record.data.i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    } finally {
      await subscription.close();
    }
  });

  it('completes a subscriber that falls too far behind; it resumes from its last cursor without loss', async () => {
    const key = await newKey();
    const triggerId = await register(key, 'records.created', 'behind');
    const { prisma, events } = server.latchkey.services;
    const { appendEvent } = await import('../src/events/log.js');
    const { eventStream } = await import('../src/events/stream.js');
    const append = (i: number) => prisma.$transaction((tx) => appendEvent(tx, { teamId, triggerId, apiKeyId: key.id, component: 'records.created', payload: { i } }));
    // A client that does not read: nothing is taken from the stream until the end.
    const stream = await eventStream({ prisma, fanout: events, filter: { teamId, apiKeyId: key.id }, after: 0n, maxPending: 5 });
    for (let i = 0; i < 12; i++) await append(i);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const received: { payload: unknown; seq: bigint }[] = [];
    for await (const item of stream) received.push(item as (typeof received)[number]);
    expect(received.map((event) => event.payload)).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
    expect(events.size.subscribers).toBe(0);
    const { eventCursor } = await import('../src/events/log.js');
    const rest = await page(key, { after: eventCursor(received.at(-1)!.seq) });
    expect(rest.events.map((event) => event.payload)).toEqual([5, 6, 7, 8, 9, 10, 11].map((i) => ({ i })));
  });

  it('drops the events a client has not taken yet when its key stops working', async () => {
    const key = await newKey();
    const triggerId = await register(key, 'records.created', 'dropped');
    const { prisma, events } = server.latchkey.services;
    const { appendEvent } = await import('../src/events/log.js');
    const { eventStream } = await import('../src/events/stream.js');
    for (let i = 0; i < 3; i++) await prisma.$transaction((tx) => appendEvent(tx, { teamId, triggerId, apiKeyId: key.id, component: 'records.created', payload: { i } }));
    const refusal = new Error('revoked');
    const stream = await eventStream({
      prisma,
      fanout: events,
      filter: { teamId, apiKeyId: key.id },
      after: 0n,
      recheck: () => Promise.reject(refusal),
      recheckAt: new Date(Date.now() + 300),
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const received: unknown[] = [];
    for await (const item of stream) received.push(item);
    expect(received).toEqual([refusal]);
    expect(events.size.subscribers).toBe(0);
  });

  it('reaches a subscriber on one server instance from an event produced on another', async () => {
    const second = await startTestServer({ databaseUrl: server.databaseUrl });
    const key = await newKey();
    await register(key, 'records.created', 'cross');
    const subscription = subscribe<Event>(server, key.secret, SUBSCRIBE);
    try {
      await subscribers(server, 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const record = await run(key, 'records.create', { collection: 'cross', data: { from: 'second' } }, second);
      await subscription.until(() => subscription.items.length === 1);
      expect(subscription.items[0]!.payload.record).toMatchObject({ id: record.id, data: { from: 'second' } });
      // Both instances writing at once: every event once, in the team's order.
      await Promise.all(
        [server, second].map(async (on, instance) => {
          for (let i = 0; i < 20; i += 4) await Promise.all([0, 1, 2, 3].map((j) => run(key, 'records.create', { collection: 'cross', data: { instance, i: i + j } }, on)));
        }),
      );
      await subscription.until(() => subscription.items.length >= 41);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stored = (await page(key, { first: 500 })).events.map((event) => event.id);
      expect(subscription.items.map((event) => event.id)).toEqual(stored);
    } finally {
      await subscription.close();
      await second.close();
    }
  });
});

describe('when the notification connection drops', () => {
  it('catches up on the events and key changes announced meanwhile', async () => {
    const key = await newKey();
    const doomed = await newKey();
    await register(key, 'records.created', 'reconnect');
    const subscription = subscribe<Event>(server, key.secret, SUBSCRIBE);
    const revoked = subscribe<Event>(server, doomed.secret, SUBSCRIBE);
    try {
      await subscribers(server, 2);
      const pgAdmin = new pg.Client({ connectionString: server.databaseUrl });
      await pgAdmin.connect();
      await pgAdmin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`latchkey-listener:${server.latchkey.services.notifier.instanceId}`]);
      await pgAdmin.end();
      // While this instance is not listening: an event, and a revocation.
      await run(key, 'records.create', { collection: 'reconnect', data: { missed: true } });
      await server.graphql('mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id: doomed.id }, { cookie: admin.cookie });
      await subscription.until(() => subscription.items.length === 1);
      expect(subscription.items[0]!.payload.record.data).toEqual({ missed: true });
      await revoked.until(() => revoked.completed());
      expect(revoked.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await subscription.close();
      await revoked.close();
    }
  });
});

describe('who may subscribe, and for how long', () => {
  const expectEnded = async (subscription: ReturnType<typeof subscribe>, code: string, timeoutMs = 5000) => {
    await subscription.until(() => subscription.completed(), timeoutMs);
    expect(subscription.errors[0]?.extensions?.code).toBe(code);
    return subscription.errors[0]!;
  };

  it('refuses no key, a revoked key and a key without READ', async () => {
    const revoked = await newKey();
    await server.graphql('mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id: revoked.id }, { cookie: admin.cookie });
    const writeOnly = await newKey({ scopes: ['WRITE'] });
    await expectEnded(subscribe(server, null, SUBSCRIBE), 'UNAUTHENTICATED');
    await expectEnded(subscribe(server, 'lk_malformed', SUBSCRIBE), 'UNAUTHENTICATED');
    await expectEnded(subscribe(server, revoked.secret, SUBSCRIBE), 'UNAUTHENTICATED');
    const forbidden = await expectEnded(subscribe(server, writeOnly.secret, SUBSCRIBE), 'FORBIDDEN');
    expect(forbidden.extensions).toMatchObject({ reason: 'MISSING_SCOPE', requiredScope: 'READ' });
    // Another key's trigger does not exist.
    const owner = await newKey();
    const triggerId = await register(owner, 'records.created', 'private');
    await expectEnded(subscribe(server, (await newKey()).secret, SUBSCRIBE, { triggerId }), 'NOT_FOUND');
  });

  it('ends an open subscription with UNAUTHENTICATED within a second of the key being revoked', async () => {
    const key = await newKey();
    const before = server.latchkey.services.events.size.subscribers;
    const subscription = subscribe(server, key.secret, SUBSCRIBE);
    await subscribers(server, before + 1);
    await server.graphql('mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id: key.id }, { cookie: admin.cookie });
    const revokedAt = Date.now();
    await expectEnded(subscription, 'UNAUTHENTICATED', 1000);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    await subscribers(server, before);
  });

  it('ends it on every instance when the key is deleted through another one', async () => {
    const second = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const key = await newKey();
      const subscription = subscribe(server, key.secret, SUBSCRIBE);
      await subscribers(server, 1);
      // Each instance here has its own auth secret: sign in on the second one.
      const response = await fetch(`${second.url}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: second.url },
        body: JSON.stringify({ email: admin.email, password: admin.password }),
      });
      const deleted = await second.graphql('mutation ($id: ID!) { deleteApiKey(id: $id) }', { id: key.id }, { cookie: cookieFrom(response) });
      expect(deleted.errors).toBeUndefined();
      const deletedAt = Date.now();
      await expectEnded(subscription, 'UNAUTHENTICATED', 1000);
      expect(Date.now() - deletedAt).toBeLessThan(1000);
    } finally {
      await second.close();
    }
  });

  it("ends a subscription on a regenerated key's old secret when its grace period is over", async () => {
    const key = await newKey();
    const subscription = subscribe(server, key.secret, SUBSCRIBE);
    await subscribers(server, 1);
    const regenerated = await server.graphql('mutation ($id: ID!) { regenerateApiKey(id: $id, graceSeconds: 1) { secret } }', { id: key.id }, { cookie: admin.cookie });
    const graceEnds = Date.now() + 1000;
    expect(regenerated.errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(subscription.completed()).toBe(false);
    await expectEnded(subscription, 'UNAUTHENTICATED', 3000);
    expect(Date.now() - graceEnds).toBeLessThan(1000);
  });

  it('ends it with FORBIDDEN when the key loses its READ scope', async () => {
    const key = await newKey();
    const subscription = subscribe(server, key.secret, SUBSCRIBE);
    await subscribers(server, 1);
    await server.graphql('mutation ($id: ID!) { updateApiKey(id: $id, input: { scopes: [WRITE] }) { id } }', { id: key.id }, { cookie: admin.cookie });
    const ended = await expectEnded(subscription, 'FORBIDDEN', 1000);
    expect(ended.extensions).toMatchObject({ reason: 'MISSING_SCOPE', requiredScope: 'READ' });
  });

  it('ends it within a second of the key expiring', async () => {
    const expiresAt = new Date(Date.now() + 1500);
    const key = await newKey({ expiresAt });
    const subscription = subscribe(server, key.secret, SUBSCRIBE);
    await subscribers(server, 1);
    await expectEnded(subscription, 'UNAUTHENTICATED', 4000);
    expect(Date.now() - expiresAt.getTime()).toBeLessThan(1000);
  });
});

describe('teamEvents for the console', () => {
  it("streams every key's new events to a member of the team, and refuses others", async () => {
    const a = await newKey();
    const b = await newKey();
    await register(a, 'records.created', 'console');
    await register(b, 'records.created', 'console');
    const subscription = subscribe<Event>(server, null, 'subscription ($teamId: ID!) { teamEvents(teamId: $teamId) { id triggerId component } }', { teamId }, { cookie: admin.cookie });
    try {
      await subscribers(server, 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await run(a, 'records.create', { collection: 'console', data: {} });
      await subscription.until(() => subscription.items.length === 2);
      expect(subscription.items.every((event) => event.component === 'records.created')).toBe(true);
    } finally {
      await subscription.close();
    }
    const stranger = await server.signUp();
    const refused = subscribe(server, null, 'subscription ($teamId: ID!) { teamEvents(teamId: $teamId) { id } }', { teamId }, { cookie: stranger.cookie });
    await refused.until(() => refused.completed());
    expect(refused.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    const anonymous = subscribe(server, null, 'subscription ($teamId: ID!) { teamEvents(teamId: $teamId) { id } }', { teamId });
    await anonymous.until(() => anonymous.completed());
    expect(anonymous.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
