// `pnpm dev`: the API (with its embedded PostgreSQL) and the console's dev server, side by side.
// Ctrl-C reaches both (same process group); if either stops, the other is stopped too.
import { spawn } from 'node:child_process';

const port = process.env.PORT ?? '4000';
const env = { ...process.env, PORT: port, LATCHKEY_CONSOLE_URL: 'http://localhost:5173' };
const children = [
  spawn('pnpm', ['--filter', '@latchkey/server', 'dev'], { stdio: 'inherit', env }),
  spawn('pnpm', ['--filter', '@latchkey/web', 'dev'], { stdio: 'inherit', env }),
];

let exitCode = 0;
let remaining = children.length;
for (const child of children) {
  child.on('exit', (code, signal) => {
    remaining -= 1;
    if (code && !exitCode) exitCode = code;
    if (remaining > 0) for (const other of children) if (other !== child && other.exitCode === null) other.kill(signal ?? 'SIGTERM');
    if (remaining === 0) process.exit(exitCode);
  });
}
// Ctrl-C is delivered to the children directly; this process only waits for them.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => children.forEach((child) => child.kill('SIGTERM')));
