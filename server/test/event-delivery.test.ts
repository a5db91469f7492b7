import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createTeam, startTestServer, withKey, type TestKey, type TestServer, type TestUser } from './harness.js';
import { subscribe, subscribers } from './subscriptions.js';

// How events get from many concurrent deliveries to many subscribers: group-committed appends
// (events/appender.ts) and one execution per event and selection (events/shared-execution.ts).

const REGISTER = 'mutation { registerTrigger(component: "http.webhook", config: {}) { trigger { id } inboundUrl signingSecret } }';

let server: TestServer;
let admin: TestUser;
let teamId: string;
let key: TestKey;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.signUp();
  teamId = await createTeam(server, admin);
  key = await createKey(server, admin, teamId, { apps: [{ app: 'http', components: ['http.webhook'] }] });
});
afterAll(async () => {
  await server.close();
});

async function registerWebhook() {
  const result = await withKey(server, key.secret)(REGISTER);
  expect(result.errors).toBeUndefined();
  return result.data!.registerTrigger as { trigger: { id: string }; inboundUrl: string; signingSecret: string };
}

/** A new webhook trigger, and two subscribers to its events with `fields` open and registered with the fan-out. */
async function twoSubscribers(fields: string) {
  const registered = await registerWebhook();
  const query = `subscription ($triggerId: ID) { triggerEvents(triggerId: $triggerId) { ${fields} } }`;
  const clients = [subscribe(server, key.secret, query, { triggerId: registered.trigger.id }), subscribe(server, key.secret, query, { triggerId: registered.trigger.id })] as const;
  await subscribers(server, 2);
  return { ...registered, clients };
}

function post(url: string, secret: string, id: string, body: string) {
  const at = new Date();
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) },
    body,
  });
}

describe('many deliveries at once', () => {
  it('acknowledges each once it is stored, stores a redelivered id once, and subscribers get every event once, in cursor order', async () => {
    const { trigger, inboundUrl, signingSecret, clients: [first, second] } = await twoSubscribers('cursor payload');

    // 60 distinct deliveries, 20 of them sent twice, all at once.
    const ids = Array.from({ length: 60 }, (_, n) => `msg_burst_${n}`);
    const sends = [...ids, ...ids.slice(0, 20)].map((id) => post(inboundUrl, signingSecret, id, JSON.stringify({ id })));
    const responses = await Promise.all(sends);
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
    const bodies = await Promise.all(responses.map((response) => response.json() as Promise<{ duplicate: boolean }>));
    expect(bodies.filter((body) => body.duplicate)).toHaveLength(20);

    expect(await server.latchkey.services.prisma.triggerEvent.count({ where: { triggerId: trigger.id } })).toBe(60);
    for (const subscription of [first, second]) {
      await subscription.until(() => subscription.items.length >= 60);
      const received = subscription.items.map((item: { payload: { id: string } }) => item.payload.id);
      expect(new Set(received).size).toBe(60);
      expect(received).toHaveLength(60);
      const seqs = subscription.items.map((item: { cursor: string }) => BigInt(Buffer.from(item.cursor, 'base64url').toString()));
      expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : 1)));
    }
    // Both saw the same events in the same order.
    expect(second.items).toEqual(first.items);
    await Promise.all([first.close(), second.close()]);
  });

  it('gives each subscriber its own selection even when they share the event', async () => {
    const { trigger, inboundUrl, signingSecret } = await registerWebhook();
    const narrow = subscribe(server, key.secret, 'subscription ($t: ID) { triggerEvents(triggerId: $t) { component } }', { t: trigger.id });
    const wide = subscribe(server, key.secret, 'subscription ($t: ID) { triggerEvents(triggerId: $t) { component payload triggerId } }', { t: trigger.id });
    const aliased = subscribe(server, key.secret, 'subscription ($t: ID) { event: triggerEvents(triggerId: $t) { kind: component } }', { t: trigger.id });
    await subscribers(server, 3);

    expect((await post(inboundUrl, signingSecret, 'msg_shapes', JSON.stringify({ shape: 1 }))).status).toBe(200);
    for (const subscription of [narrow, wide, aliased]) await subscription.until(() => subscription.items.length === 1);
    expect(narrow.items[0]).toEqual({ component: 'http.webhook' });
    expect(wide.items[0]).toEqual({ component: 'http.webhook', payload: { shape: 1 }, triggerId: trigger.id });
    expect(aliased.items[0]).toEqual({ kind: 'http.webhook' });
    await Promise.all([narrow.close(), wide.close(), aliased.close()]);
  });

  it('delivers events of every frame size intact and in order, on every subscriber socket', async () => {
    // WebSocket frames carry their length in 7, 16 or 64 bits (under 126 bytes, under 64 KiB, more):
    // the server frames subscription results itself (websocket-writes.ts), so each size is checked.
    const { inboundUrl, signingSecret, clients } = await twoSubscribers('payload');
    const sizes = [1, 20, 300, 5_000, 15_000, 100_000, 2];
    const payloads = sizes.map((size, n) => ({ n, text: 'é→'.repeat(size) }));
    // One at a time: each is stored, hence cursor-ordered, in the order sent.
    for (const [n, payload] of payloads.entries()) expect((await post(inboundUrl, signingSecret, `msg_size_${n}`, JSON.stringify(payload))).status).toBe(200);
    for (const client of clients) {
      await client.until(() => client.items.length === payloads.length);
      expect(client.items.map((item: { payload: unknown }) => item.payload)).toEqual(payloads);
      expect(client.errors).toEqual([]);
    }
    await Promise.all(clients.map((client) => client.close()));
  });

  it('keeps the frames of a subscriber that stops reading intact while the others are written to', async () => {
    // Each socket's frames are put together in a scratch buffer that the next socket's flush reuses
    // (websocket-writes.ts). A socket that is not read keeps its writes waiting on that buffer; they
    // must leave unchanged once it reads again, whatever was written to the other sockets meanwhile.
    const { inboundUrl, signingSecret, clients: [stalled, reading] } = await twoSubscribers('payload');
    stalled.pause();
    // 6 MB in all, more than the kernel holds for a socket nobody reads; each event under the
    // scratch buffer's size, and each with its own letters.
    const payloads = Array.from({ length: 150 }, (_, n) => ({ n, text: String.fromCharCode(65 + (n % 26)).repeat(40_000) }));
    for (const [n, payload] of payloads.entries()) expect((await post(inboundUrl, signingSecret, `msg_stalled_${n}`, JSON.stringify(payload))).status).toBe(200);
    await reading.until(() => reading.items.length === payloads.length, 15_000);
    expect(reading.items.map((item: { payload: unknown }) => item.payload)).toEqual(payloads);
    expect(stalled.items).toHaveLength(0);

    stalled.resume();
    await stalled.until(() => stalled.items.length === payloads.length, 15_000);
    expect(stalled.items.map((item: { payload: unknown }) => item.payload)).toEqual(payloads);
    expect(stalled.errors).toEqual([]);
    await Promise.all([stalled.close(), reading.close()]);
  });

  it('answers 404 for a delivery whose trigger was removed while it was on its way, and stores nothing', async () => {
    const { trigger } = await registerWebhook();
    // The trigger is gone between the router's lookup and the append.
    await server.latchkey.services.prisma.trigger.delete({ where: { id: trigger.id } });
    const appended = await server.latchkey.services.appender.append({ teamId, triggerId: trigger.id, apiKeyId: key.id, component: 'http.webhook', deliveryId: 'msg_gone', payload: {} });
    expect(appended).toEqual({ triggerGone: true });
    expect(await server.latchkey.services.prisma.triggerEvent.count({ where: { triggerId: trigger.id } })).toBe(0);
  });

  it('answers 404 to deliveries once the trigger is removed, even right after a delivery was accepted', async () => {
    const { trigger, inboundUrl, signingSecret } = await registerWebhook();
    expect((await post(inboundUrl, signingSecret, 'msg_before', '{}')).status).toBe(200);
    const removed = await withKey(server, key.secret)('mutation ($id: ID!) { removeTrigger(id: $id) }', { id: trigger.id });
    expect(removed.errors).toBeUndefined();
    expect((await post(inboundUrl, signingSecret, 'msg_after', '{}')).status).toBe(404);
    expect(await server.latchkey.services.prisma.triggerEvent.count({ where: { triggerId: trigger.id } })).toBe(0);
  });

  it("never writes an event under another team's trigger", async () => {
    const { trigger } = await registerWebhook();
    const otherTeam = await createTeam(server, admin, 'Other');
    const appended = await server.latchkey.services.appender.append({ teamId: otherTeam, triggerId: trigger.id, apiKeyId: key.id, component: 'http.webhook', deliveryId: 'msg_cross', payload: {} });
    expect(appended).toEqual({ triggerGone: true });
    expect(await server.latchkey.services.prisma.triggerEvent.count({ where: { triggerId: trigger.id } })).toBe(0);
  });
});
