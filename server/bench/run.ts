import './production.js';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import pg from 'pg';
import type { Latchkey } from '../src/app.js';
import type { EmbeddedDatabase } from '../src/db/embedded.js';
import { startBaseline } from './baseline.js';
import { LoadGenerator, type Latency, type LoadWindow, type WindowResult } from './load.js';
import { withOthersLoad } from './machine.js';
import { profiled, type ProfileSummary } from './profile.js';
import { benchVerifier, timeVerifyInServer, type VerifierResult } from './verifier.js';
import { benchEvents } from './events.js';
import { freePort } from '../test/global-setup.js';

/**
 * `pnpm bench`: a bare graphql-yoga server, Latchkey's `components` query and Latchkey's runAction
 * under the same HTTP load, then the cached key verifier on its own. The measured seconds of each
 * target are split into rounds that take turns (a b c a b c ...), so a slow drift in what else runs
 * on the machine weighs on all three alike and the ratios stay fair. BENCH_SECONDS changes the
 * measured seconds per target; BENCH_PROFILE=1 adds a profiled window of each target afterwards.
 */
const CONNECTIONS = 20;
const WARMUP_SECONDS = 2;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = 5;
const PROFILE_SECONDS = 5;
const IN_SERVER_VERIFY_SECONDS = 3;
const VERIFY_SECONDS = 4;
const PROFILE = process.env.BENCH_PROFILE === '1';
const GOALS = { componentsRatio: 0.85, verificationsPerSecond: 200_000, verifyP99Ms: 0.3 };

const benchDir = dirname(fileURLToPath(import.meta.url));
const GRANTED = ['records.get', 'records.list', 'records.create'];
const COMPONENTS_QUERY = '{ components { key name kind scope inputSchema outputSchema app { key } } }';

async function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string; json: any }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) };
}

/** The one response a load target must answer every time (checked on every response under load). */
async function expectedBody(url: string, body: string, headers: Record<string, string>, what: string): Promise<string> {
  const response = await post(url, body, headers);
  if (response.status !== 200 || response.json.errors || !response.json.data) throw new Error(`${what} did not answer as expected: ${response.status} ${response.text}`);
  return response.text;
}

/** A user, a team and a key with the three granted record components, through the real API. */
async function mintKey(url: string): Promise<string> {
  const signUp = await fetch(`${url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email: `bench-${randomBytes(4).toString('hex')}@example.test`, password: randomBytes(12).toString('base64url'), name: 'Bench' }),
  });
  if (!signUp.ok) throw new Error(`sign-up failed: ${signUp.status} ${await signUp.text()}`);
  const cookie = signUp.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const session = { 'content-type': 'application/json', cookie };
  const team = await post(url, JSON.stringify({ query: 'mutation { createTeam(name: "Bench") { id } }' }), session);
  const teamId = team.json.data?.createTeam?.id;
  if (!teamId) throw new Error(`createTeam failed: ${team.text}`);
  const created = await post(
    url,
    JSON.stringify({
      query: 'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      variables: { input: { teamId, name: 'bench', scopes: ['READ', 'WRITE', 'DELETE'], apps: [{ app: 'records', components: GRANTED }] } },
    }),
    session,
  );
  const secret = created.json.data?.createApiKey?.secret;
  if (!secret) throw new Error(`createApiKey failed: ${created.text}`);
  return secret;
}

interface Target {
  name: string;
  label: string;
  url: string;
  body: string;
  expectBody: string;
}

interface Measured {
  ok: number;
  responses: number;
  seconds: number;
  requestsPerSecond: number;
  latency: Latency;
  non2xx: number;
  mismatches: number;
  errors: number;
  timeouts: number;
  /** CPU time of the server's process (this one) per answered request; PostgreSQL's is not in it. */
  serverCpuUsPerRequest: number;
  /** CPU cores the load generator used (near 1.0: it, not the server, may be the limit). */
  generatorCores: number;
  /** CPU cores (of 2) used by processes outside the bench meanwhile. */
  otherCores: number;
}

interface Window {
  result: WindowResult;
  otherCores: number;
  serverCpuSeconds: number;
}

function total(windows: Window[], latency: Latency): Measured {
  const sum = (pick: (window: Window) => number) => windows.reduce((acc, window) => acc + pick(window), 0);
  const seconds = sum((w) => w.result.seconds);
  const ok = sum((w) => w.result.ok);
  return {
    ok,
    responses: sum((w) => w.result.responses),
    seconds,
    requestsPerSecond: ok / seconds,
    latency,
    non2xx: sum((w) => w.result.non2xx),
    mismatches: sum((w) => w.result.mismatches),
    errors: sum((w) => w.result.errors),
    timeouts: sum((w) => w.result.timeouts),
    serverCpuUsPerRequest: (sum((w) => w.serverCpuSeconds) * 1e6) / ok,
    generatorCores: sum((w) => w.result.cpuSeconds) / seconds,
    otherCores: sum((w) => w.otherCores * w.result.seconds) / seconds,
  };
}

const thousands = (value: number) => Math.round(value).toLocaleString('en-US');

async function main(cleanups: (() => Promise<void>)[]): Promise<boolean> {
  const root = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  // The embedded PostgreSQL drops to an unprivileged user when run as root: it must read its directory.
  chmodSync(root, 0o755);
  cleanups.push(async () => rmSync(root, { recursive: true, force: true }));

  process.stdout.write('bundling the server as for production, starting PostgreSQL and Latchkey...\n');
  // Inside bench/ so that its imports resolve from server/node_modules; at the depth of dist/main.js.
  const bundle = join(benchDir, '.build', 'server.js');
  cleanups.push(async () => rmSync(dirname(bundle), { recursive: true, force: true }));
  await build({ entryPoints: [join(benchDir, 'entry.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node24', format: 'esm', packages: 'external', logLevel: 'warning' });
  const { createLatchkey, catalog, loadConfig, startEmbeddedPostgres } = (await import(pathToFileURL(bundle).href)) as typeof import('./entry.js');

  const database: EmbeddedDatabase = await startEmbeddedPostgres(join(root, 'postgres'), await freePort());
  cleanups.push(() => database.stop());
  const admin = new pg.Client({ connectionString: database.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE latchkey_bench');
  await admin.end();

  const port = await freePort();
  const config = loadConfig(
    {
      NODE_ENV: 'production',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    },
    { databaseUrl: database.url('latchkey_bench'), host: '127.0.0.1', logLevel: 'warn', webDist: undefined },
  );
  const latchkey: Latchkey = await createLatchkey(config);
  cleanups.push(() => latchkey.close());
  const url = await latchkey.listen();

  if (process.env.BENCH_ONLY === 'events') {
    const events = await benchEvents(latchkey, url, PROFILE ? join(benchDir, 'profiles') : undefined);
    process.stdout.write(`${events.lines.join('\n')}\n`);
    return events.problems.length === 0;
  }

  const key = await mintKey(url);
  const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${key}` };
  const created = await post(url, JSON.stringify({ query: 'mutation { runAction(component: "records.create", input: {collection: "bench", data: {name: "bench"}}) { status output } }' }), headers);
  const recordId = created.json.data?.runAction?.output?.id;
  if (created.json.data?.runAction?.status !== 'SUCCEEDED' || !recordId) throw new Error(`records.create failed: ${created.text}`);

  const granted = GRANTED.map((name) => catalog.component(name)!);
  const baseline = await startBaseline(
    catalog.components().filter((component) => granted.includes(component)),
    (appKey) => catalog.componentsOf(appKey),
  );
  cleanups.push(() => baseline.close());

  const componentsBody = JSON.stringify({ query: COMPONENTS_QUERY });
  const runBody = JSON.stringify({ query: `mutation { runAction(component: "records.get", input: {collection: "bench", id: "${recordId}"}) { status output } }` });
  const expectedComponents = await expectedBody(url, componentsBody, headers, '(b) components');
  const expectedBaseline = await expectedBody(baseline.url, componentsBody, headers, '(a) the bare yoga server');
  if (expectedBaseline !== expectedComponents) throw new Error(`(a) and (b) answer differently:\n${expectedBaseline}\n${expectedComponents}`);
  const expectedRun = await expectedBody(url, runBody, headers, '(c) runAction');

  const targets: Target[] = [
    { name: 'a', label: '(a) bare graphql-yoga: components', url: baseline.url, body: componentsBody, expectBody: expectedBaseline },
    { name: 'b', label: '(b) Latchkey: components', url, body: componentsBody, expectBody: expectedComponents },
    { name: 'c', label: '(c) Latchkey: runAction records.get', url, body: runBody, expectBody: expectedRun },
  ];
  const generator = LoadGenerator.start();
  cleanups.push(() => generator.close());
  const window = (target: Target, seconds: number, record: boolean): LoadWindow => ({
    target: target.name,
    url: target.url,
    headers,
    body: target.body,
    expectBody: target.expectBody,
    connections: CONNECTIONS,
    seconds,
    record,
  });

  const countRuns = () => latchkey.services.prisma.actionRun.count({ where: { component: 'records.get' } });
  const runsBefore = await countRuns();
  const warmups = new Map<string, WindowResult>();
  for (const target of targets) {
    process.stdout.write(`warm-up ${target.label}: ${WARMUP_SECONDS} s\n`);
    warmups.set(target.name, await generator.run(window(target, WARMUP_SECONDS, false)));
  }
  const windows = new Map<string, Window[]>(targets.map((target) => [target.name, []]));
  for (let i = 1; i <= ROUNDS; i++) {
    process.stdout.write(`round ${i}/${ROUNDS}: ${SECONDS / ROUNDS} s each of a, b, c at ${CONNECTIONS} connections\n`);
    for (const target of targets) {
      const cpuBefore = process.cpuUsage();
      const { result, otherCores } = await withOthersLoad(() => generator.run(window(target, SECONDS / ROUNDS, true)));
      const cpu = process.cpuUsage(cpuBefore);
      windows.get(target.name)!.push({ result, otherCores, serverCpuSeconds: (cpu.user + cpu.system) / 1e6 });
    }
  }
  const measured = new Map<string, Measured>();
  for (const target of targets) measured.set(target.name, total(windows.get(target.name)!, await generator.latency(target.name)));
  const [ma, mb, mc] = targets.map((target) => measured.get(target.name)!) as [Measured, Measured, Measured];
  const runsRecorded = (await countRuns()) - runsBefore;
  const runsAnswered = mc.responses + warmups.get('c')!.responses;

  process.stdout.write(`cached KeyVerifier.verify(): ${VERIFY_SECONDS} s of calls, then ${VERIFY_SECONDS / 2} s timed one by one\n`);
  const { result: verifier, otherCores: verifierOtherCores } = await withOthersLoad((): Promise<VerifierResult> => benchVerifier(latchkey.services.keys, key, VERIFY_SECONDS));

  process.stdout.write(`verify() inside the server: ${IN_SERVER_VERIFY_SECONDS} s more of (b), each call timed\n`);
  const b = targets[1]!;
  const inServer = await timeVerifyInServer(latchkey.services.keys, () => generator.run(window(b, IN_SERVER_VERIFY_SECONDS, false)));

  const profiles: { label: string; summary: ProfileSummary }[] = [];
  if (PROFILE) {
    for (const target of targets) {
      process.stdout.write(`profiling ${target.label}: ${PROFILE_SECONDS} s\n`);
      const { summary } = await profiled(
        join(benchDir, 'profiles'),
        target.name,
        () => generator.run(window(target, PROFILE_SECONDS, false)),
        (result) => result.ok,
      );
      profiles.push({ label: target.label, summary });
    }
  }

  const problems: string[] = [];
  for (const target of targets) {
    const { non2xx, mismatches, errors, timeouts } = measured.get(target.name)!;
    if (non2xx + mismatches + errors + timeouts > 0) problems.push(`${target.label}: ${non2xx} non-2xx, ${mismatches} wrong bodies, ${errors} errors, ${timeouts} timeouts`);
  }
  // Requests still in flight when a window closes are run but not counted: up to one per connection and window.
  const uncounted = runsRecorded - runsAnswered;
  if (uncounted < 0 || uncounted > CONNECTIONS * (ROUNDS + 1)) problems.push(`(c) recorded ${runsRecorded} runs for ${runsAnswered} responses`);

  const ratioB = mb.requestsPerSecond / ma.requestsPerSecond;
  const ratioC = mc.requestsPerSecond / ma.requestsPerSecond;
  const atLeast = (goal: string, value: number, target: number, shown: string, targetShown: string) => ({
    goal,
    value,
    target: `>= ${targetShown}`,
    met: value >= target,
    verdict: value >= target ? `yes (${(value / target).toFixed(2)}x the target)` : `NO (${((value / target - 1) * 100).toFixed(1)}%)`,
    shown,
  });
  const atMost = (goal: string, value: number, target: number, shown: string) => ({
    goal,
    value,
    target: `<= ${target}`,
    met: value <= target,
    verdict: value <= target ? `yes (${(target / value).toFixed(0)}x under)` : `NO (+${((value / target - 1) * 100).toFixed(1)}%)`,
    shown,
  });
  const goals = [
    atLeast('b/a requests/s', ratioB, GOALS.componentsRatio, ratioB.toFixed(3), String(GOALS.componentsRatio)),
    atLeast('cached verify()/s, one core', verifier.verificationsPerSecond, GOALS.verificationsPerSecond, thousands(verifier.verificationsPerSecond), thousands(GOALS.verificationsPerSecond)),
    atMost('verify() p99, alone, ms', verifier.p99Ms, GOALS.verifyP99Ms, verifier.p99Ms.toFixed(4)),
    atMost('verify() p99, in server (b), ms', inServer.verify.p99Ms, GOALS.verifyP99Ms, inServer.verify.p99Ms.toFixed(4)),
  ];

  const row = (cells: string[], widths: number[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const widths = [38, 9, 8, 8, 8, 7, 10, 6, 7];
  const goalWidths = [32, 10, 10, 24];
  const lines = [
    '',
    `Latchkey bench: Node ${process.version}, ${availableParallelism()} CPUs, NODE_ENV=${process.env.NODE_ENV}, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s per target in ${ROUNDS} interleaved rounds`,
    '',
    row(['HTTP target', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'x/a', 'cpu us/req', 'gen', 'others'], widths),
    ...targets.map((target) => {
      const m = measured.get(target.name)!;
      return row(
        [target.label, thousands(m.requestsPerSecond), m.latency.p50Ms.toFixed(2), m.latency.p99Ms.toFixed(2), m.latency.maxMs.toFixed(1), (m.requestsPerSecond / ma.requestsPerSecond).toFixed(3), m.serverCpuUsPerRequest.toFixed(0), m.generatorCores.toFixed(2), m.otherCores.toFixed(2)],
        widths,
      );
    }),
    '"cpu us/req": CPU time of the server process per request (PostgreSQL excluded); "gen": CPU cores used by the load generator;',
    '"others": CPU cores (of 2) used meanwhile by processes outside this bench (other sessions\' tests and builds).',
    '',
    `cached KeyVerifier.verify(): ${thousands(verifier.verificationsPerSecond)}/s; per call p50 ${verifier.p50Ms.toFixed(4)} ms, p99 ${verifier.p99Ms.toFixed(4)} ms, p99.9 ${verifier.p999Ms.toFixed(4)} ms, max ${verifier.maxMs.toFixed(3)} ms (timer alone ${verifier.timerOverheadMs.toFixed(5)} ms); others ${verifierOtherCores.toFixed(2)}`,
    `verify() inside the server under load (b): ${thousands(inServer.verify.calls)} calls; p50 ${inServer.verify.p50Ms.toFixed(4)} ms, p99 ${inServer.verify.p99Ms.toFixed(4)} ms, p99.9 ${inServer.verify.p999Ms.toFixed(4)} ms, max ${inServer.verify.maxMs.toFixed(3)} ms`,
    '',
    row(['goal', 'measured', 'target', 'met'], goalWidths),
    ...goals.map((goal) => row([goal.goal, goal.shown, goal.target, goal.verdict], goalWidths)),
    row(['c/a requests/s', ratioC.toFixed(3), '(none)', ''], goalWidths),
    `b/a from server CPU per request instead (steadier when the machine is shared): ${(ma.serverCpuUsPerRequest / mb.serverCpuUsPerRequest).toFixed(3)}`,
    '',
    problems.length === 0
      ? `checks: every response was 2xx with the expected body; (c) recorded ${runsRecorded} runs for ${runsAnswered} counted responses + ${uncounted} in flight at window ends`
      : `CHECKS FAILED:\n  ${problems.join('\n  ')}`,
  ];
  const busiest = Math.max(...[...measured.values()].map((m) => m.otherCores), verifierOtherCores);
  if (busiest > 0.1) lines.push(`WARNING: other processes used up to ${busiest.toFixed(2)} cores on average during a target: the figures are lower and noisier than on an idle machine.`);
  for (const { label, summary } of profiles) {
    const share = ({ name, share, usPerRequest }: ProfileSummary['byFunction'][number]) => `${(share * 100).toFixed(1).padStart(5)}% ${usPerRequest.toFixed(1).padStart(6)} us/req  ${name}`;
    lines.push('', `${label}: profile ${summary.file} (${summary.requests} requests; wall time, idle included)`);
    lines.push('  self time by origin:', ...summary.byOrigin.map(share));
    lines.push('  top functions (self time):', ...summary.byFunction.map(share));
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  // The events section: fan-out to graphql-ws subscribers and Linear webhook ingest (events.ts).
  process.stdout.write('\n');
  const events = await benchEvents(latchkey, url, PROFILE ? join(benchDir, 'profiles') : undefined);
  problems.push(...events.problems);
  process.stdout.write(`${events.lines.join('\n')}\n`);

  const results = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    nodeEnv: process.env.NODE_ENV,
    settings: { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS, rounds: ROUNDS, verifySeconds: VERIFY_SECONDS },
    http: Object.fromEntries(targets.map((target) => [target.name, { label: target.label, ...measured.get(target.name)! }])),
    runsRecorded,
    ratios: { ba: ratioB, ca: ratioC, baByServerCpu: ma.serverCpuUsPerRequest / mb.serverCpuUsPerRequest },
    verifier: { ...verifier, otherCores: verifierOtherCores },
    verifyInServer: inServer.verify,
    goals: goals.map(({ goal, value, target, met }) => ({ goal, value, target, met })),
    events: events.results,
    problems,
    profiles: profiles.length > 0 ? profiles : undefined,
  };
  writeFileSync(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwrote ${join(benchDir, 'results.json')}\n`);
  return problems.length === 0;
}

const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup().catch((error: unknown) => process.stderr.write(`cleanup: ${String(error)}\n`));
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

let passed = false;
try {
  passed = await main(cleanups);
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  await cleanUp();
}
process.exit(passed ? 0 : 1);
