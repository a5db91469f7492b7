import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './global-setup.js';
import { cookieFrom, createTestDatabase, type TestServer } from './harness.js';
import { subscribe, type Subscription } from './subscriptions.js';

/**
 * No event lost across a crash: a real server process (src/main.ts) is SIGKILLed mid-stream and
 * restarted on the same port and database while a provider keeps delivering (retrying whatever was
 * not acknowledged) and a subscriber resumes from its last cursor. Every acknowledged delivery must
 * arrive exactly once, in the order it was acknowledged.
 */
const serverDir = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'latchkey-no-loss-'));
chmodSync(root, 0o755);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

const EVENTS = 'subscription ($triggerId: ID, $after: String) { triggerEvents(triggerId: $triggerId, after: $after) { id cursor payload } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<unknown>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: serverDir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise((resolve) => child.on('exit', resolve));
  return { child, output: () => output, exit };
}

async function ready(started: Started, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (started.child.exitCode !== null || Date.now() > deadline) throw new Error(`server not ready; output:\n${started.output()}`);
    const ok = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
    if (ok) return;
    await sleep(100);
  }
}

describe('no event lost across a server crash', () => {
  it('every acknowledged webhook delivery reaches a resuming subscriber exactly once, in order, across a SIGKILL and restart', async () => {
    const database = await createTestDatabase();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: database.url,
      PORT: String(port),
      PUBLIC_URL: url,
      NODE_ENV: 'test',
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LATCHKEY_DATA_DIR: join(root, 'data'),
    };
    let server = start(env);
    const subscriptions: Subscription<{ id: string; cursor: string; payload: { webhookId: string } }>[] = [];
    let sending = true;
    try {
      await ready(server, url);

      // A user, a team and a key granted http.webhook, through the management API.
      const id = randomBytes(4).toString('hex');
      const signUp = await fetch(`${url}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ email: `no-loss-${id}@example.test`, password: `pw-${id}-long-enough`, name: 'No loss' }),
      });
      expect(signUp.status).toBe(200);
      const cookie = cookieFrom(signUp);
      const graphql = async (query: string, variables: Record<string, unknown>, auth: Record<string, string>) => {
        const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query, variables }) });
        return (await response.json()) as { data?: any; errors?: unknown[] };
      };
      const team = await graphql('mutation { createTeam(name: "No loss") { id } }', {}, { cookie });
      const created = await graphql(
        'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
        { input: { teamId: team.data.createTeam.id, name: 'no-loss', scopes: ['READ', 'WRITE'], apps: [{ app: 'http', components: ['http.webhook'] }] } },
        { cookie },
      );
      const key: string = created.data.createApiKey.secret;
      const registered = await graphql('mutation { registerTrigger(component: "http.webhook", config: {}) { trigger { id } inboundUrl signingSecret } }', {}, { authorization: `Bearer ${key}` });
      expect(registered.errors).toBeUndefined();
      const { trigger, inboundUrl, signingSecret } = registered.data.registerTrigger as { trigger: { id: string }; inboundUrl: string; signingSecret: string };
      const signer = new Webhook(signingSecret);

      // The provider: one delivery at a time, each retried until acknowledged 2xx.
      const acknowledged: string[] = [];
      let failedAttempts = 0;
      const sender = (async () => {
        for (let n = 0; sending; n++) {
          const webhookId = `msg_${String(n).padStart(5, '0')}`;
          const body = JSON.stringify({ webhookId, n });
          for (;;) {
            const at = new Date();
            const status = await fetch(inboundUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'webhook-id': webhookId, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer.sign(webhookId, at, body) },
              body,
              signal: AbortSignal.timeout(5000),
            }).then((response) => response.status, () => 0);
            if (status >= 200 && status < 300) break;
            failedAttempts++;
            await sleep(50);
          }
          acknowledged.push(webhookId);
          await sleep(5);
        }
      })();

      // The subscriber: resumes after the last cursor it received whenever its connection ends.
      const fakeServer = { url } as TestServer;
      const received = () => subscriptions.flatMap((subscription) => subscription.items);
      const resume = () => {
        const last = received().at(-1);
        const subscription = subscribe<{ id: string; cursor: string; payload: { webhookId: string } }>(fakeServer, key, EVENTS, { triggerId: trigger.id, after: last?.cursor ?? null });
        subscriptions.push(subscription);
        return subscription;
      };
      resume();

      await sleep(4000);
      const beforeCrash = acknowledged.length;
      expect(beforeCrash).toBeGreaterThan(20);
      server.child.kill('SIGKILL');
      await server.exit;
      await sleep(1500);
      server = start(env);
      await ready(server, url);
      const afterRestart = acknowledged.length;
      await sleep(4000);
      sending = false;
      await sender;
      expect(acknowledged.length).toBeGreaterThan(afterRestart + 20);
      expect(failedAttempts).toBeGreaterThan(0);

      // The first subscription ended with the crash; reconnect (as a client would) until caught up.
      const deadline = Date.now() + 15_000;
      while (received().length < acknowledged.length && Date.now() < deadline) {
        const current = subscriptions.at(-1)!;
        if (current.completed()) resume();
        await sleep(50);
      }
      expect(subscriptions.length).toBeGreaterThan(1);
      const ids = received().map((event) => event.payload.webhookId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(acknowledged);
      // And the log itself holds each delivery once.
      const logged: string[] = [];
      for (let after: string | null = null; ; ) {
        const page = await graphql('query ($triggerId: ID, $after: String) { triggerEvents(triggerId: $triggerId, after: $after, first: 200) { events { payload } endCursor hasMore } }', { triggerId: trigger.id, after }, { authorization: `Bearer ${key}` });
        expect(page.errors).toBeUndefined();
        logged.push(...page.data.triggerEvents.events.map((event: { payload: { webhookId: string } }) => event.payload.webhookId));
        if (!page.data.triggerEvents.hasMore) break;
        after = page.data.triggerEvents.endCursor;
      }
      expect(logged).toEqual(acknowledged);
    } finally {
      sending = false;
      await Promise.all(subscriptions.map((subscription) => subscription.close().catch(() => undefined)));
      if (server.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await Promise.race([server.exit, sleep(5000)]);
      }
      await database.drop();
    }
  }, 60_000);
});
