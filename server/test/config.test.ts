import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'latchkey-config-'));

describe('configuration', () => {
  it('refuses production without AUTH_SECRET and ENCRYPTION_KEY, naming them', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', LATCHKEY_DATA_DIR: dataDir() })).toThrow(new ConfigError('AUTH_SECRET and ENCRYPTION_KEY must be set in production (see README: Configuration).'));
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40), LATCHKEY_DATA_DIR: dataDir() })).toThrow(/ENCRYPTION_KEY must be set/);
  });

  it('refuses an encryption key that is not 32 bytes', () => {
    expect(() => loadConfig({ ENCRYPTION_KEY: Buffer.alloc(16).toString('base64'), LATCHKEY_DATA_DIR: dataDir() })).toThrow(/32 bytes/);
  });

  it('reads retired encryption keys for credentials sealed before a rotation', () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    expect(loadConfig({ ENCRYPTION_KEYS_RETIRED: `${a.toString('base64')}, ${b.toString('base64')}`, LATCHKEY_DATA_DIR: dataDir() }).retiredEncryptionKeys).toEqual([a, b]);
    expect(loadConfig({ LATCHKEY_DATA_DIR: dataDir() }).retiredEncryptionKeys).toEqual([]);
    expect(() => loadConfig({ ENCRYPTION_KEYS_RETIRED: 'c2hvcnQ=', LATCHKEY_DATA_DIR: dataDir() })).toThrow(/ENCRYPTION_KEYS_RETIRED/);
  });

  it('generates development secrets once and keeps them across restarts', () => {
    const dir = dataDir();
    const first = loadConfig({ LATCHKEY_DATA_DIR: dir });
    const second = loadConfig({ LATCHKEY_DATA_DIR: dir });
    expect(first.authSecret).toHaveLength(43);
    expect(second.authSecret).toBe(first.authSecret);
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
  });

  it('uses PORT and PUBLIC_URL, with the defaults of the contract', () => {
    const defaults = loadConfig({ LATCHKEY_DATA_DIR: dataDir() });
    expect(defaults.port).toBe(4000);
    expect(defaults.publicUrl).toBe('http://localhost:4000');
    expect(defaults.databaseUrl).toBeUndefined();
    const set = loadConfig({ PORT: '8080', PUBLIC_URL: 'https://latchkey.example/', DATABASE_URL: 'postgresql://x/y', AUTH_SECRET: randomBytes(32).toString('hex'), LATCHKEY_DATA_DIR: dataDir() });
    expect(set).toMatchObject({ port: 8080, publicUrl: 'https://latchkey.example', databaseUrl: 'postgresql://x/y' });
    expect(set.trustedOrigins).toContain('https://latchkey.example');
    expect(() => loadConfig({ PORT: 'eighty', LATCHKEY_DATA_DIR: dataDir() })).toThrow(/PORT/);
  });
});
