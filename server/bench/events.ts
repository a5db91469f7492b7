import { execFile, fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Latchkey } from '../src/app.js';
import { linearInbound } from '../src/apps/linear/webhooks.js';
import { encryptCredentials } from '../src/connections/crypto.js';
import type { EventsAsk } from './events-worker.js';
import { profiled, type ProfileSummary } from './profile.js';

/**
 * The events section of `pnpm bench`:
 * (a) fan-out: SUBSCRIBERS graphql-ws subscribers (one key, one http.webhook trigger) in
 *     SUBSCRIBER_PROCESSES child processes while RATE signed deliveries per second are POSTed by
 *     another child process, first for FANOUT_WARMUP_SECONDS (not timed), then for FANOUT_SECONDS;
 *     latency is the producer's stamp (taken just before the POST) to the subscriber's receipt,
 *     lost = expected - received.
 * (b) ingest: signed Linear deliveries (each a new Linear-Delivery, so each is stored) from a child
 *     process in a closed loop, against Latchkey's /webhooks/linear/:triggerId and against a bare Node
 *     endpoint that only runs the same verifier (linearInbound.verify).
 */
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const SUBSCRIBER_PROCESSES = Number(process.env.BENCH_SUBSCRIBER_PROCESSES ?? 2);
const RATE = 200;
/** Deliveries in flight at most: beyond it the producer falls behind RATE (reported) instead of piling up transactions. */
const MAX_IN_FLIGHT = 16;
const DRAIN_SECONDS = 10;
const FANOUT_SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 30);
const FANOUT_WARMUP_SECONDS = 3;
const INGEST_CONNECTIONS = 20;
const INGEST_WARMUP_SECONDS = 2;
const INGEST_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 10);
const INGEST_ROUNDS = 2;
export const EVENT_GOALS = { fanoutP99Ms: 100, fanoutLost: 0, ingestPerSecond: 1000, ingestP99Ms: 50 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes out whatever the machine still has to write to disk (`sync`) before a timed part. Every
 * event is committed, so a commit waits for its WAL flush; right after `pnpm test` or a build the
 * disk is still busy writing out their files, and a bench run started then measured that (a fan-out
 * p99 of 172 ms right after a CI run, against 69–79 ms on a quiet disk). It does not wait for other
 * work that keeps writing during the run.
 */
async function quietDisk(log: (line: string) => void): Promise<void> {
  const started = performance.now();
  await promisify(execFile)('sync').catch(() => undefined);
  const ms = performance.now() - started;
  if (ms > 100) log(`events: waited ${(ms / 1000).toFixed(1)} s for the disk's pending writes (sync)`);
}

class Worker {
  private child: ChildProcess;
  private waiting: ((message: any) => void)[] = [];
  constructor() {
    this.child = fork(fileURLToPath(new URL('./events-worker.ts', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: any) => this.waiting.shift()?.(message));
  }
  ask<T = any>(ask: EventsAsk): Promise<T> {
    return new Promise((resolve, reject) => {
      this.waiting.push((message) => (message.kind === 'failed' ? reject(new Error(message.error)) : resolve(message)));
      this.child.send(ask);
    });
  }
  close() {
    this.child.kill();
  }
}

async function graphql(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<any> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const json = (await response.json()) as { data?: any; errors?: unknown };
  if (json.errors || !json.data) throw new Error(`GraphQL failed: ${JSON.stringify(json.errors)}`);
  return json.data;
}

/** A user, a team and a key granted http.webhook, through the real API. */
async function mintWebhookKey(url: string): Promise<{ teamId: string; keyId: string; secret: string }> {
  const signUp = await fetch(`${url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email: `bench-events-${randomBytes(4).toString('hex')}@example.test`, password: randomBytes(12).toString('base64url'), name: 'Bench events' }),
  });
  if (!signUp.ok) throw new Error(`sign-up failed: ${signUp.status} ${await signUp.text()}`);
  const cookie = signUp.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const teamId = (await graphql(url, 'mutation { createTeam(name: "Bench events") { id } }', {}, { cookie })).createTeam.id;
  const created = (
    await graphql(
      url,
      'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }',
      { input: { teamId, name: 'bench events', scopes: ['READ', 'WRITE'], apps: [{ app: 'http', components: ['http.webhook'] }] } },
      { cookie },
    )
  ).createApiKey;
  return { teamId, keyId: created.apiKey.id, secret: created.secret };
}

export interface Fanout {
  subscribers: number;
  rate: number;
  seconds: number;
  produced: number;
  producedPerSecond: number;
  produceFailures: number;
  expected: number;
  received: number;
  lost: number;
  duplicates: number;
  outOfRange: number;
  closedEarly: number;
  subscribeErrors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  workerUnresponsive: boolean;
  /** CPU cores each process used while events were produced (the server) or received (the subscribers). */
  cores: { server: number; subscribers: number; producer: number };
  /** The producer's POST to its acknowledgement (the event stored). */
  ackP50Ms: number;
  ackP99Ms: number;
}

export interface Ingest {
  label: string;
  ok: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

async function fanout(latchkey: Latchkey, url: string, key: { secret: string }, log: (line: string) => void): Promise<Fanout> {
  const registered = (await graphql(url, 'mutation { registerTrigger(component: "http.webhook", config: {}) { trigger { id } inboundUrl signingSecret } }', {}, { authorization: `Bearer ${key.secret}` })).registerTrigger;
  // The subscribers are spread over SUBSCRIBER_PROCESSES processes: one process reading a thousand
  // sockets would make the last of them wait for the other 999 (a delay of the bench, not of Latchkey).
  const workers = Array.from({ length: SUBSCRIBER_PROCESSES }, () => new Worker());
  const askAll = <T>(ask: EventsAsk) => Promise.all(workers.map((worker) => worker.ask<T>(ask)));
  // The producer is a process of its own: signing and posting are not the server's work.
  const producer = new Worker();
  try {
    log(`events (a): opening ${SUBSCRIBERS} graphql-ws subscribers in ${SUBSCRIBER_PROCESSES} processes`);
    await Promise.all(
      workers.map((worker, i) => {
        const count = Math.floor(SUBSCRIBERS / SUBSCRIBER_PROCESSES) + (i < SUBSCRIBERS % SUBSCRIBER_PROCESSES ? 1 : 0);
        return worker.ask({ kind: 'subscribe', wsUrl: `${url.replace('http', 'ws')}/graphql`, key: key.secret, triggerId: registered.trigger.id, count });
      }),
    );
    const deadline = Date.now() + 30_000;
    while (latchkey.services.events.size.subscribers < SUBSCRIBERS) {
      if (Date.now() > deadline) throw new Error(`only ${latchkey.services.events.size.subscribers} of ${SUBSCRIBERS} subscribers registered`);
      await sleep(50);
    }
    await quietDisk(log);
    // A warm-up at the same rate, not timed: the first second of a fresh process (code not yet
    // optimised, buffers still growing) is not what a running Latchkey delivers.
    log(`events (a): warm-up, ${RATE} events/s for ${FANOUT_WARMUP_SECONDS} s (not timed)`);
    const warmUp = await producer.ask<{ produced: number }>({ kind: 'produce', url: registered.inboundUrl, signingSecret: registered.signingSecret, rate: RATE, seconds: FANOUT_WARMUP_SECONDS, maxInFlight: MAX_IN_FLIGHT, warmUp: true });
    const warmUpUntil = Date.now() + DRAIN_SECONDS * 1000;
    while (Date.now() < warmUpUntil) {
      const counted = await askAll<{ warmUpReceived: number }>({ kind: 'count' });
      if (counted.reduce((sum, count) => sum + count.warmUpReceived, 0) >= warmUp.produced * SUBSCRIBERS) break;
      await sleep(100);
    }
    log(`events (a): ${RATE} events/s for ${FANOUT_SECONDS} s to ${SUBSCRIBERS} subscribers`);
    const serverCpuBefore = process.cpuUsage();
    const production = await producer
      .ask<{ produced: number; failures: number; seconds: number; cores: number; ackP50Ms: number; ackP99Ms: number }>({ kind: 'produce', url: registered.inboundUrl, signingSecret: registered.signingSecret, rate: RATE, seconds: FANOUT_SECONDS, maxInFlight: MAX_IN_FLIGHT })
      .finally(() => producer.close());
    const { produced, failures: produceFailures } = production;
    const serverCpu = process.cpuUsage(serverCpuBefore);
    const serverCores = (serverCpu.user + serverCpu.system) / 1e6 / production.seconds;
    const produceSeconds = production.seconds;
    const expected = produced * SUBSCRIBERS;
    // Whatever has not arrived DRAIN_SECONDS after the last acknowledgement counts as lost; the bench
    // must end even when the server (or the subscribers' processes) is far behind.
    const drain = Date.now() + DRAIN_SECONDS * 1000;
    const within = <T>(promise: Promise<T>, ms: number): Promise<T | null> => Promise.race([promise, sleep(Math.max(0, ms)).then(() => null)]);
    while (Date.now() < drain) {
      const counted = await within(askAll<{ received: number }>({ kind: 'count' }), drain - Date.now());
      if (counted && counted.reduce((sum, count) => sum + count.received, 0) >= expected) break;
      await sleep(250);
    }
    const reports = await within(askAll<SubscribersReport>({ kind: 'report' }), 20_000);
    const report = reports ? mergeReports(reports) : { received: 0, duplicates: 0, outOfRange: 0, closedEarly: 0, subscribeErrors: 0, p50Ms: NaN, p99Ms: NaN, maxMs: NaN, cores: NaN, unresponsive: true };
    return {
      subscribers: SUBSCRIBERS,
      rate: RATE,
      seconds: FANOUT_SECONDS,
      produced,
      producedPerSecond: produced / produceSeconds,
      produceFailures,
      expected,
      received: report.received,
      lost: Math.max(0, expected - (report.received - report.duplicates - report.outOfRange)),
      duplicates: report.duplicates,
      outOfRange: report.outOfRange,
      closedEarly: report.closedEarly,
      subscribeErrors: report.subscribeErrors,
      p50Ms: report.p50Ms,
      p99Ms: report.p99Ms,
      maxMs: report.maxMs,
      workerUnresponsive: report.unresponsive === true,
      cores: { server: serverCores, subscribers: report.cores ?? NaN, producer: production.cores },
      ackP50Ms: production.ackP50Ms,
      ackP99Ms: production.ackP99Ms,
    };
  } finally {
    workers.forEach((worker) => worker.close());
    producer.close();
  }
}

interface SubscribersReport {
  received: number;
  duplicates: number;
  outOfRange: number;
  closedEarly: number;
  subscribeErrors: number;
  cores: number;
  histogram: number[];
}

/** The subscriber processes' reports as one: counts and cores summed, percentiles of all latencies. */
function mergeReports(reports: SubscribersReport[]) {
  const sum = (field: keyof Omit<SubscribersReport, 'histogram'>) => reports.reduce((total, report) => total + report[field], 0);
  const histogram: number[] = [];
  for (const report of reports) report.histogram.forEach((count, ms) => (histogram[ms] = (histogram[ms] ?? 0) + count));
  const total = histogram.reduce((a, b) => a + (b ?? 0), 0);
  const at = (q: number) => {
    const rank = Math.min(total - 1, Math.floor(q * total));
    let seen = 0;
    for (let ms = 0; ms < histogram.length; ms++) {
      seen += histogram[ms] ?? 0;
      if (seen > rank) return ms;
    }
    return NaN;
  };
  return {
    received: sum('received'),
    duplicates: sum('duplicates'),
    outOfRange: sum('outOfRange'),
    closedEarly: sum('closedEarly'),
    subscribeErrors: sum('subscribeErrors'),
    cores: sum('cores'),
    p50Ms: total ? at(0.5) : NaN,
    p99Ms: total ? at(0.99) : NaN,
    maxMs: total ? histogram.length - 1 : NaN,
    unresponsive: false,
  };
}

async function ingest(latchkey: Latchkey, url: string, key: { teamId: string; keyId: string }, log: (line: string) => void): Promise<{ latchkey: Ingest; bare: Ingest; stored: number }> {
  // A Linear trigger row with a known secret, sealed exactly as registerTrigger seals it
  // (registering through the API would first need Linear's webhookCreate).
  const secret = randomBytes(32).toString('base64url');
  const sealed = encryptCredentials(latchkey.services.config.encryptionKey, secret);
  const trigger = await latchkey.services.prisma.trigger.create({
    data: { id: randomUUID(), teamId: key.teamId, apiKeyId: key.keyId, component: 'linear.issueCreated', config: { teamId: 'bench-team' }, secretKeyId: sealed.keyId, secretCiphertext: sealed.ciphertext },
  });

  // The bare endpoint: raw body, the same verifier with the same secret, 200.
  const bare = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const verification = linearInbound.verify(Buffer.concat(chunks), req.headers, secret, Date.now());
      res.writeHead(verification.ok ? 200 : verification.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(verification.ok ? '{"received":true}' : JSON.stringify({ error: verification.error }));
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/webhooks/linear/${trigger.id}`;
  const latchkeyUrl = `${url}/webhooks/linear/${trigger.id}`;

  const worker = new Worker();
  try {
    const targets = [
      { name: 'bare', label: '(b1) bare Node http: verify only', url: bareUrl },
      { name: 'latchkey', label: '(b2) Latchkey: /webhooks/linear', url: latchkeyUrl },
    ];
    await quietDisk(log);
    for (const target of targets) {
      log(`events (b): warm-up ${target.label}: ${INGEST_WARMUP_SECONDS} s`);
      await worker.ask({ kind: 'ingest', url: target.url, secret, connections: INGEST_CONNECTIONS, seconds: INGEST_WARMUP_SECONDS, teamId: 'bench-team' });
    }
    const rounds: Record<string, Ingest[]> = { bare: [], latchkey: [] };
    for (let i = 1; i <= INGEST_ROUNDS; i++) {
      log(`events (b): round ${i}/${INGEST_ROUNDS}: ${INGEST_SECONDS / INGEST_ROUNDS} s each at ${INGEST_CONNECTIONS} connections`);
      for (const target of targets) rounds[target.name]!.push({ ...(await worker.ask<Ingest>({ kind: 'ingest', url: target.url, secret, connections: INGEST_CONNECTIONS, seconds: INGEST_SECONDS / INGEST_ROUNDS, teamId: 'bench-team' })), label: target.label });
    }
    // Rounds are combined by sums; the latency percentiles are the worse round's (conservative).
    const combine = (list: Ingest[]): Ingest => {
      const sum = (pick: (entry: Ingest) => number) => list.reduce((acc, entry) => acc + pick(entry), 0);
      const statuses: Record<string, number> = {};
      for (const entry of list) for (const [status, count] of Object.entries(entry.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
      return {
        label: list[0]!.label,
        ok: sum((e) => e.ok),
        non2xx: sum((e) => e.non2xx),
        errors: sum((e) => e.errors),
        statuses,
        seconds: sum((e) => e.seconds),
        perSecond: sum((e) => e.ok) / sum((e) => e.seconds),
        p50Ms: Math.max(...list.map((e) => e.p50Ms)),
        p99Ms: Math.max(...list.map((e) => e.p99Ms)),
        maxMs: Math.max(...list.map((e) => e.maxMs)),
      };
    };
    const stored = await latchkey.services.prisma.triggerEvent.count({ where: { triggerId: trigger.id } });
    return { bare: combine(rounds.bare!), latchkey: combine(rounds.latchkey!), stored };
  } finally {
    worker.close();
    await new Promise((resolve) => bare.close(resolve));
  }
}

export interface EventsBench {
  lines: string[];
  problems: string[];
  results: Record<string, unknown>;
}

/** `profiles`: sample the server while each part runs, write `<dir>/events-*.cpuprofile` and print where the time went. */
export async function benchEvents(latchkey: Latchkey, url: string, profiles?: string): Promise<EventsBench> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const key = await mintWebhookKey(url);
  const summaries: { label: string; summary: ProfileSummary }[] = [];
  const maybeProfiled = async <T>(name: string, work: () => Promise<T>, count: (result: T) => number): Promise<T> => {
    if (!profiles) return work();
    const { result, summary } = await profiled(profiles, name, work, count);
    summaries.push({ label: name, summary });
    return result;
  };
  const fan = await maybeProfiled('events-fanout', () => fanout(latchkey, url, key, log), (result) => result.produced);
  const inn = await maybeProfiled('events-ingest', () => ingest(latchkey, url, key, log), (result) => result.latchkey.ok + result.bare.ok);

  const problems: string[] = [];
  if (fan.workerUnresponsive) problems.push('events (a): the subscribers\' process did not report within 20 s');
  if (fan.produceFailures > 0) problems.push(`events (a): ${fan.produceFailures} deliveries not acknowledged`);
  if (fan.duplicates + fan.outOfRange + fan.subscribeErrors > 0) problems.push(`events (a): ${fan.duplicates} duplicates, ${fan.outOfRange} unknown events, ${fan.subscribeErrors} subscription errors`);
  for (const entry of [inn.bare, inn.latchkey]) if (entry.non2xx + entry.errors > 0) problems.push(`${entry.label}: ${entry.non2xx} non-2xx ${JSON.stringify(entry.statuses)}, ${entry.errors} errors`);
  // Every acknowledged Latchkey delivery (warm-up included) is stored; in-flight ones at window ends may add a few.
  if (inn.stored < inn.latchkey.ok) problems.push(`(b2) stored ${inn.stored} events for ${inn.latchkey.ok} acknowledged deliveries`);

  const verdict = (met: boolean, ratio: string) => (met ? `yes (${ratio})` : `NO (${ratio})`);
  const goals = [
    { goal: `fan-out p99 ms (${SUBSCRIBERS} subs, ${RATE}/s)`, value: fan.p99Ms, target: `<= ${EVENT_GOALS.fanoutP99Ms}`, met: fan.p99Ms <= EVENT_GOALS.fanoutP99Ms && fan.producedPerSecond >= RATE * 0.98, shown: fan.p99Ms.toFixed(1), ratio: `${(fan.p99Ms / EVENT_GOALS.fanoutP99Ms).toFixed(2)}x the limit${fan.producedPerSecond < RATE * 0.98 ? `, at ${fan.producedPerSecond.toFixed(0)}/s` : ''}` },
    { goal: 'fan-out events lost', value: fan.lost, target: `<= ${EVENT_GOALS.fanoutLost}`, met: fan.lost <= EVENT_GOALS.fanoutLost && fan.expected > 0, shown: `${fan.lost} of ${fan.expected.toLocaleString('en-US')}`, ratio: fan.lost === 0 ? 'none lost' : `${((fan.lost / fan.expected) * 100).toFixed(3)}%` },
    { goal: 'Linear ingest deliveries/s', value: inn.latchkey.perSecond, target: `>= ${EVENT_GOALS.ingestPerSecond}`, met: inn.latchkey.perSecond >= EVENT_GOALS.ingestPerSecond, shown: Math.round(inn.latchkey.perSecond).toLocaleString('en-US'), ratio: `${(inn.latchkey.perSecond / EVENT_GOALS.ingestPerSecond).toFixed(2)}x the target` },
    { goal: 'Linear ingest ack p99 ms', value: inn.latchkey.p99Ms, target: `<= ${EVENT_GOALS.ingestP99Ms}`, met: inn.latchkey.p99Ms <= EVENT_GOALS.ingestP99Ms, shown: inn.latchkey.p99Ms.toFixed(1), ratio: `${(inn.latchkey.p99Ms / EVENT_GOALS.ingestP99Ms).toFixed(2)}x the limit` },
  ];

  const row = (cells: string[], widths: number[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const w = [36, 10, 8, 8, 8, 10];
  const g = [40, 18, 8, 26];
  const lines = [
    '',
    `Events: (a) ${SUBSCRIBERS} graphql-ws subscribers on one key, ${RATE} http.webhook deliveries/s for ${FANOUT_SECONDS} s; (b) signed Linear deliveries, ${INGEST_CONNECTIONS} connections, ${INGEST_WARMUP_SECONDS} s warm-up + ${INGEST_SECONDS} s per target in ${INGEST_ROUNDS} rounds`,
    '',
    row(['(a) fan-out', 'received', 'lost', 'p50 ms', 'p99 ms', 'max ms'], w),
    row([`${fan.produced} events x ${SUBSCRIBERS} subscribers`, fan.received.toLocaleString('en-US'), String(fan.lost), fan.p50Ms.toFixed(1), fan.p99Ms.toFixed(1), fan.maxMs.toFixed(1)], w),
    `lost = not received within ${DRAIN_SECONDS} s after the last acknowledgement; latency: producer's clock just before the POST -> subscriber's receipt (same machine, same clock); ${fan.duplicates} duplicates, ${fan.closedEarly} sockets closed early`,
    `CPU cores used (of ${availableParallelism()}): Latchkey ${fan.cores.server.toFixed(2)} (PostgreSQL not included), the ${SUBSCRIBERS} subscribers' ${SUBSCRIBER_PROCESSES} processes ${fan.cores.subscribers.toFixed(2)}, the producer ${fan.cores.producer.toFixed(2)}`,
    `producer: ${fan.produced} acknowledged in ${FANOUT_SECONDS} s target = ${fan.producedPerSecond.toFixed(0)}/s achieved of ${RATE}/s asked (at most ${MAX_IN_FLIGHT} in flight), acknowledged (stored) after p50 ${fan.ackP50Ms} ms, p99 ${fan.ackP99Ms} ms${fan.producedPerSecond < RATE * 0.98 ? ': INGEST COULD NOT KEEP UP, the asked rate was not reached' : ''}`,
    '',
    row(['(b) ingest target', 'acks/s', 'p50 ms', 'p99 ms', 'max ms', 'x bare'], w),
    ...[inn.bare, inn.latchkey].map((entry) => row([entry.label, Math.round(entry.perSecond).toLocaleString('en-US'), entry.p50Ms.toFixed(2), entry.p99Ms.toFixed(2), entry.maxMs.toFixed(1), (entry.perSecond / inn.bare.perSecond).toFixed(3)], w)),
    `(b2) stored ${inn.stored} events for ${inn.latchkey.ok} acknowledged measured deliveries (warm-up and in-flight included)`,
    '',
    row(['events goal', 'measured', 'target', 'met'], g),
    ...goals.map((goal) => row([goal.goal, goal.shown, goal.target, verdict(goal.met, goal.ratio)], g)),
  ];
  for (const { label, summary } of summaries) {
    const share = ({ name, share, usPerRequest }: ProfileSummary['byFunction'][number]) => `${(share * 100).toFixed(1).padStart(5)}% ${usPerRequest.toFixed(1).padStart(8)} us/event  ${name}`;
    lines.push('', `${label}: profile ${summary.file} (${summary.requests} events/deliveries; wall time, idle included)`);
    lines.push('  self time by origin:', ...summary.byOrigin.map(share));
    lines.push('  top functions (self time):', ...summary.byFunction.map(share));
  }
  if (problems.length > 0) lines.push('', `EVENTS CHECKS FAILED:\n  ${problems.join('\n  ')}`);
  return {
    lines,
    problems,
    results: {
      settings: { subscribers: SUBSCRIBERS, rate: RATE, maxInFlight: MAX_IN_FLIGHT, fanoutSeconds: FANOUT_SECONDS, ingestConnections: INGEST_CONNECTIONS, ingestWarmupSeconds: INGEST_WARMUP_SECONDS, ingestSeconds: INGEST_SECONDS, ingestRounds: INGEST_ROUNDS },
      fanout: fan,
      ingest: inn,
      goals: goals.map(({ goal, value, target, met }) => ({ goal, value, target, met })),
      problems,
    },
  };
}
