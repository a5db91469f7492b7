import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Webhook } from 'standardwebhooks';
import WebSocket from 'ws';

/**
 * The events bench's clients, in their own process so the server's process does only the server's
 * work: `subscribe` opens graphql-ws subscribers (raw `ws`, the graphql-transport-ws protocol) and
 * times each event from the producer's stamp to its arrival; `produce` posts signed Standard
 * Webhooks deliveries at a fixed rate (stamped just before each POST); `ingest` posts signed Linear
 * deliveries in a closed loop and times each acknowledgement.
 */
export type EventsAsk =
  | { kind: 'subscribe'; wsUrl: string; key: string; triggerId: string; count: number }
  | { kind: 'count' }
  | { kind: 'report' }
  | { kind: 'close' }
  | { kind: 'produce'; url: string; signingSecret: string; rate: number; seconds: number; maxInFlight: number; warmUp?: boolean }
  | { kind: 'ingest'; url: string; secret: string; connections: number; seconds: number; teamId: string };

const QUERY = 'subscription ($triggerId: ID) { triggerEvents(triggerId: $triggerId) { payload } }';

const reply = (message: unknown) => process.send!(message);

function percentiles(values: Float64Array): { p50Ms: number; p99Ms: number; maxMs: number } {
  if (values.length === 0) return { p50Ms: NaN, p99Ms: NaN, maxMs: NaN };
  const sorted = values.slice().sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1]! };
}

class Samples {
  private buffer = new Float64Array(1 << 16);
  length = 0;
  push(value: number) {
    if (this.length === this.buffer.length) {
      const bigger = new Float64Array(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.length++] = value;
  }
  values() {
    return this.buffer.subarray(0, this.length);
  }
}

// ---- fan-out subscribers ----
const sockets: WebSocket[] = [];
const latencies = new Samples();
let received = 0;
/** Events of the warm-up: counted, not timed. */
let warmUpReceived = 0;
let duplicates = 0;
let outOfRange = 0;
let closedEarly = 0;
let subscribeErrors = 0;
/** CPU and wall clock at the first and the latest event received: how busy receiving kept this process. */
let firstAt: { cpu: NodeJS.CpuUsage; wall: number } | null = null;
let lastAt: { cpu: NodeJS.CpuUsage; wall: number } | null = null;

function openSubscriber(wsUrl: string, key: string, triggerId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    sockets.push(socket);
    // One bit per produced event: a second arrival of the same event is a duplicate.
    const seen = new Uint8Array(1 << 16);
    let subscribed = false;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { triggerId } } }));
        subscribed = true;
        resolve();
      } else if (message.type === 'next') {
        const payload = message.payload?.data?.triggerEvents?.payload;
        if (!payload) {
          subscribeErrors++;
          return;
        }
        if (payload.warmUp) {
          warmUpReceived++;
          return;
        }
        const now = Date.now();
        latencies.push(now - payload.t);
        received++;
        if ((received & 1023) === 1) {
          const mark = { cpu: process.cpuUsage(), wall: performance.now() };
          firstAt ??= mark;
          lastAt = mark;
        }
        if (payload.n < 0 || payload.n >= seen.length) outOfRange++;
        else if (seen[payload.n]) duplicates++;
        else seen[payload.n] = 1;
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      } else if (message.type === 'error' || message.type === 'complete') {
        subscribeErrors++;
      }
    });
    socket.on('error', (error) => (subscribed ? undefined : reject(error)));
    socket.on('close', () => {
      if (!closing) closedEarly++;
    });
  });
}
let closing = false;

// ---- fan-out producer ----
async function produce(ask: Extract<EventsAsk, { kind: 'produce' }>) {
  const signer = new Webhook(ask.signingSecret);
  const agent = new Agent({ keepAlive: true, maxSockets: ask.maxInFlight });
  const target = new URL(ask.url);
  let produced = 0;
  let failures = 0;
  const inFlight = new Set<Promise<void>>();
  const acks = new Samples();
  const total = ask.rate * ask.seconds;
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const stopAt = start + ask.seconds * 1000;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  for (let n = 0; n < total && performance.now() < stopAt; n++) {
    const wait = start + (n * 1000) / ask.rate - performance.now();
    if (wait > 1) await sleep(wait);
    while (inFlight.size >= ask.maxInFlight) await Promise.race(inFlight);
    const webhookId = ask.warmUp ? `warm_${n}` : `msg_${n}`;
    const t = Date.now();
    // The same shape in both phases: code optimised during the warm-up stays optimised.
    const body = JSON.stringify({ n, t, warmUp: ask.warmUp === true });
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'webhook-id': webhookId, 'webhook-timestamp': String(Math.floor(t / 1000)), 'webhook-signature': signer.sign(webhookId, new Date(t), body) };
    const sent: Promise<void> = new Promise<void>((resolve) => {
      const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) {
            produced++;
            acks.push(Date.now() - t);
          } else failures++;
          resolve();
        });
      });
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end(body);
    }).finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  }
  await Promise.all(inFlight);
  agent.destroy();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const ack = percentiles(acks.values());
  return { produced, failures, seconds, cores: (cpu.user + cpu.system) / 1e6 / seconds, ackP50Ms: ack.p50Ms, ackP99Ms: ack.p99Ms };
}

// ---- ingest load ----
async function ingest(ask: Extract<EventsAsk, { kind: 'ingest' }>) {
  const agent = new Agent({ keepAlive: true, maxSockets: ask.connections });
  const target = new URL(ask.url);
  const samples = new Samples();
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const end = started + ask.seconds * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
      const id = randomUUID();
      const body = JSON.stringify({
        action: 'create',
        type: 'Issue',
        createdAt: new Date().toISOString(),
        data: { id, identifier: 'BEN-1', title: 'Bench issue', url: `https://linear.app/bench/issue/${id}`, teamId: ask.teamId, priority: 2 },
        url: `https://linear.app/bench/issue/${id}`,
        organizationId: 'bench-org',
        webhookTimestamp: Date.now(),
      });
      const signature = createHmac('sha256', ask.secret).update(body).digest('hex');
      const sent = performance.now();
      const req = request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'linear-delivery': id, 'linear-event': 'Issue', 'linear-signature': signature } },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              ok++;
              samples.push(performance.now() - sent);
            } else {
              non2xx++;
              statuses[status] = (statuses[status] ?? 0) + 1;
            }
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: ask.connections }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { ok, non2xx, errors, statuses, seconds, perSecond: ok / seconds, ...percentiles(samples.values()) };
}

process.on('message', async (ask: EventsAsk) => {
  try {
    if (ask.kind === 'subscribe') {
      for (let i = 0; i < ask.count; i += 50) {
        await Promise.all(Array.from({ length: Math.min(50, ask.count - i) }, () => openSubscriber(ask.wsUrl, ask.key, ask.triggerId)));
      }
      reply({ kind: 'subscribed', count: sockets.length });
    } else if (ask.kind === 'count') {
      reply({ kind: 'count', received, warmUpReceived });
    } else if (ask.kind === 'report') {
      const busy = firstAt && lastAt && lastAt.wall > firstAt.wall ? (lastAt.cpu.user + lastAt.cpu.system - firstAt.cpu.user - firstAt.cpu.system) / 1000 / (lastAt.wall - firstAt.wall) : NaN;
      // Latencies as counts per whole millisecond (they are differences of Date.now()), so that the
      // reports of several subscriber processes merge exactly.
      const histogram: number[] = [];
      for (const ms of latencies.values()) {
        const at = Math.max(0, ms);
        while (histogram.length <= at) histogram.push(0);
        histogram[at]!++;
      }
      reply({ kind: 'report', received, duplicates, outOfRange, closedEarly, subscribeErrors, cores: busy, histogram });
    } else if (ask.kind === 'close') {
      closing = true;
      await Promise.all(sockets.map((socket) => new Promise((resolve) => (socket.once('close', resolve), socket.close()))));
      reply({ kind: 'closed' });
    } else if (ask.kind === 'produce') {
      reply({ kind: 'produced', ...(await produce(ask)) });
    } else if (ask.kind === 'ingest') {
      reply({ kind: 'ingested', ...(await ingest(ask)) });
    }
  } catch (error) {
    reply({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
