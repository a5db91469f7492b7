// Runs the real Latchkey server for the e2e suite on a throw-away data directory, beside the fake
// Linear and Notion it talks to (FAKE_LINEAR_PORT / FAKE_NOTION_PORT), and leaves nothing behind:
// on SIGTERM/SIGINT (or when the server exits) it stops the fakes, makes sure the embedded
// PostgreSQL is stopped, then deletes the directory.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// PostgreSQL runs as the `postgres` user when we are root: it must be able to enter the directory.
const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-e2e-'));
chmodSync(dataDir, 0o755);

const fakes = spawn(process.execPath, ['--import', 'tsx', 'test/fakes/serve.ts'], {
  cwd: join(root, 'server'),
  env: process.env,
  stdio: ['ignore', 'ignore', 'inherit'],
});

const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
  cwd: join(root, 'server'),
  env: { ...process.env, LATCHKEY_DATA_DIR: dataDir },
  stdio: 'inherit',
});

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** The server stops its PostgreSQL on SIGTERM; this covers a server that crashed or was killed. */
async function stopOrphanedPostgres() {
  const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 10_000 && alive(pid); waited += 100) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

let finishing = false;
let stopping = false;
async function finish(code) {
  if (finishing) return;
  finishing = true;
  if (fakes.exitCode === null && fakes.signalCode === null) fakes.kill('SIGTERM');
  await stopOrphanedPostgres();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}

server.on('exit', (code, signal) => void finish(code ?? (signal ? 1 : 0)));
// Without its fakes the suite cannot pass: a fake that dies (a port taken) stops the whole run.
fakes.on('exit', (code) => {
  if (finishing || stopping) return;
  console.error(`the fake providers exited (${code}); stopping`);
  server.kill('SIGTERM');
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    stopping = true;
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
    // A server that does not stop in time is killed; finish() then stops its PostgreSQL.
    setTimeout(() => server.kill('SIGKILL'), 15_000).unref();
  });
}
