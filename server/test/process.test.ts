import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_LOGIN } from '../src/demo.js';
import { freePort } from './global-setup.js';
import { cookieFrom, createTestDatabase } from './harness.js';

/** `main.ts` as `pnpm dev` runs it: its own process, its own embedded PostgreSQL. */
const serverDir = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'latchkey-process-'));
chmodSync(root, 0o755);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: serverDir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function until(started: Started, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!started.output().includes(text)) {
    if (Date.now() > deadline || started.child.exitCode !== null) throw new Error(`did not see "${text}"; output:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the development server process', () => {
  const dataDir = join(root, 'data');
  it('starts PostgreSQL, seeds the demo, refuses a second start, stops cleanly on Ctrl-C and keeps its data', async () => {
    const [port, pgPort] = [await freePort(), await freePort()];
    const env = { LATCHKEY_DATA_DIR: dataDir, PORT: String(port), EMBEDDED_POSTGRES_PORT: String(pgPort) };
    const first = start(env);
    await until(first, 'Demo login');
    expect(first.output()).toContain(`${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`);
    expect((await fetch(`http://localhost:${port}/readyz`)).status).toBe(200);

    // The printed demo key and curl work exactly as printed.
    const curl = first.output().split('\n').find((line) => line.trim().startsWith('curl '))!;
    expect(curl).toContain('authorization: Bearer lk_');
    const ran = JSON.parse(execSync(curl.trim(), { encoding: 'utf8' }));
    expect(ran.data.runAction).toMatchObject({ status: 'SUCCEEDED', output: { collection: 'notes', data: { text: 'hello' } } });

    const signIn = await fetch(`http://localhost:${port}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: `http://localhost:${port}` },
      body: JSON.stringify({ email: DEMO_LOGIN.email, password: DEMO_LOGIN.password }),
    });
    expect(signIn.status).toBe(200);
    const cookie = cookieFrom(signIn);
    const graphql = (query: string) =>
      fetch(`http://localhost:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ query }) }).then((r) => r.json() as Promise<any>);
    await graphql('mutation { createTeam(name: "Kept across restarts") { id } }');

    const second = start({ ...env, PORT: String(await freePort()) });
    expect(await second.exit).toBe(1);
    expect(second.output()).toMatch(/already running \(pid \d+\): another Latchkey server is using this data directory/);

    const postmaster = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(alive(postmaster)).toBe(true);
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
    expect(alive(postmaster)).toBe(false);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const again = start(env);
    await until(again, 'Demo login');
    const teams = await graphql('{ me { teams { name } } }');
    expect(teams.data.me.teams.map((team: { name: string }) => team.name)).toEqual(['Demo team', 'Kept across restarts']);
    // A restart prints a new demo key; the old one is no longer valid.
    const oldKey = /Bearer (lk_\w+)/.exec(curl)![1];
    const newKey = /Demo key: +(lk_\w+)/.exec(again.output())![1];
    expect(newKey).not.toBe(oldKey);
    const withOld = await fetch(`http://localhost:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${oldKey}` }, body: '{"query":"{ apiKeyInfo { name } }"}' });
    expect(withOld.status).toBe(401);
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  }, 90_000);

  it('starts no embedded PostgreSQL when DATABASE_URL is set', async () => {
    const database = await createTestDatabase();
    const dir = join(root, 'external');
    const port = await freePort();
    const started = start({ LATCHKEY_DATA_DIR: dir, PORT: String(port), DATABASE_URL: database.url });
    try {
      await until(started, 'Demo login');
      expect(existsSync(join(dir, 'postgres'))).toBe(false);
      expect(started.output()).not.toContain('embedded PostgreSQL');
    } finally {
      started.child.kill('SIGINT');
      await started.exit;
      await database.drop();
    }
  }, 60_000);

  it('refuses to start in production without its secrets', async () => {
    const started = start({ NODE_ENV: 'production', LATCHKEY_DATA_DIR: join(root, 'prod'), PORT: String(await freePort()) });
    expect(await started.exit).toBe(1);
    expect(started.output()).toContain('AUTH_SECRET and ENCRYPTION_KEY must be set in production');
  });
});
