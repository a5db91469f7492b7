import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where pnpm-workspace.yaml is): `.data/`, migrations and the built console are found from it. */
export const repoRoot = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Latchkey must run from its repository (pnpm-workspace.yaml not found above it).');
    dir = parent;
  }
  return dir;
})();

export interface Config {
  production: boolean;
  port: number;
  host: string;
  /** Where providers and browsers reach this server. */
  publicUrl: string;
  /** Where people open the console (invitation links point here). */
  consoleUrl: string;
  /** Origins allowed to use the session cookie (the console's). */
  trustedOrigins: string[];
  /** Unset: an embedded PostgreSQL is started under `dataDir/postgres`. */
  databaseUrl: string | undefined;
  dataDir: string;
  authSecret: string;
  encryptionKey: Buffer;
  /** Earlier encryption keys, still able to open credentials sealed before a rotation. */
  retiredEncryptionKeys: Buffer[];
  /** Serves the built console from here when set (production). */
  webDist: string | undefined;
  signInThrottle: { window: number; max: number };
  /** Accounts created per minute from one address (SIGN_UPS_PER_MINUTE). */
  signUpsPerMinute: number;
  logLevel: string;
  /** Provider endpoints (the tests and `pnpm dev` can point them at local fakes). */
  linearApiUrl: string;
  notionApiUrl: string;
  /** Lets http.request reach loopback and private addresses (tests, on-premise). */
  httpActionAllowPrivate: boolean;
  /** Enables /webhooks/clerk. */
  clerkWebhookSigningSecret: string | undefined;
  /** Trigger events older than this many days are deleted (hourly). */
  eventRetentionDays: number;
}

export class ConfigError extends Error {}

/** Reads a development secret from `.data/`, creating it on first use. */
function developmentSecret(dataDir: string, name: string, make: () => string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const value = make();
  writeFileSync(file, value + '\n', { mode: 0o600 });
  return value;
}

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new ConfigError(`PORT must be a port number, got "${value}"`);
  return parsed;
}

function retentionDays(value: string | undefined): number {
  if (value === undefined || value === '') return 7;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 36500) throw new ConfigError(`EVENT_RETENTION_DAYS must be a whole number of days (at least 1), got "${value}"`);
  return parsed;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const production = env.NODE_ENV === 'production';
  const dataDir = resolve(env.LATCHKEY_DATA_DIR ?? join(repoRoot, '.data'));
  const listenPort = port(env.PORT, 4000);
  const missing = ['AUTH_SECRET', 'ENCRYPTION_KEY'].filter((name) => !env[name]);
  if (production && missing.length > 0) {
    throw new ConfigError(`${missing.join(' and ')} must be set in production (see README: Configuration).`);
  }
  const authSecret = env.AUTH_SECRET ?? developmentSecret(dataDir, 'auth-secret', () => randomBytes(32).toString('base64url'));
  const encryptionKeyText = env.ENCRYPTION_KEY ?? developmentSecret(dataDir, 'encryption-key', () => randomBytes(32).toString('base64'));
  const encryptionKey = Buffer.from(encryptionKeyText, 'base64');
  if (encryptionKey.length !== 32) throw new ConfigError('ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32).');
  const retiredEncryptionKeys = (env.ENCRYPTION_KEYS_RETIRED ?? '').split(',').map((text) => text.trim()).filter(Boolean).map((text) => Buffer.from(text, 'base64'));
  if (retiredEncryptionKeys.some((key) => key.length !== 32)) throw new ConfigError('ENCRYPTION_KEYS_RETIRED must be comma-separated 32-byte base64 keys.');
  if (authSecret.length < 32) throw new ConfigError('AUTH_SECRET must be at least 32 characters of high-entropy text.');

  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${listenPort}`).replace(/\/$/, '');
  const trustedOrigins = [new URL(publicUrl).origin];
  if (!production) trustedOrigins.push('http://localhost:5173', 'http://127.0.0.1:5173', `http://localhost:${listenPort}`, `http://127.0.0.1:${listenPort}`);
  for (const origin of (env.TRUSTED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean)) trustedOrigins.push(origin);

  const webDist = env.LATCHKEY_WEB_DIST ? resolve(env.LATCHKEY_WEB_DIST) : production ? join(repoRoot, 'web', 'dist') : undefined;
  // The server serves the console itself when it has a build; otherwise it is Vite's dev server.
  const consoleUrl = (env.LATCHKEY_CONSOLE_URL ?? (webDist ? publicUrl : 'http://localhost:5173')).replace(/\/$/, '');

  return {
    production,
    port: listenPort,
    consoleUrl,
    host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    publicUrl,
    trustedOrigins: [...new Set(trustedOrigins)],
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    authSecret,
    encryptionKey,
    retiredEncryptionKeys,
    webDist,
    signInThrottle: { window: 60, max: Number(env.SIGN_IN_ATTEMPTS_PER_MINUTE ?? 5) },
    signUpsPerMinute: Number(env.SIGN_UPS_PER_MINUTE ?? 20),
    logLevel: env.LOG_LEVEL ?? 'info',
    linearApiUrl: env.LINEAR_API_URL || 'https://api.linear.app/graphql',
    notionApiUrl: (env.NOTION_API_URL || 'https://api.notion.com').replace(/\/$/, ''),
    httpActionAllowPrivate: ['1', 'true', 'yes'].includes((env.HTTP_ACTION_ALLOW_PRIVATE ?? '').toLowerCase()),
    clerkWebhookSigningSecret: env.CLERK_WEBHOOK_SIGNING_SECRET || undefined,
    eventRetentionDays: retentionDays(env.EVENT_RETENTION_DAYS),
    ...overrides,
  };
}
