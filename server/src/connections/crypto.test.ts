import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialsUnreadableError, decryptCredentials, encryptCredentials, keyIdOf } from './crypto.js';

const key = randomBytes(32);
const credentials = { host: 'smtp.example.test', password: 'hunter2-very-secret' };

describe('credential encryption', () => {
  it('round-trips, with a fresh IV each time and no plaintext in the ciphertext', () => {
    const a = encryptCredentials(key, credentials);
    const b = encryptCredentials(key, credentials);
    expect(a.keyId).toBe(keyIdOf(key));
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(Buffer.from(a.ciphertext, 'base64').toString('latin1')).not.toContain('hunter2');
    expect(a.ciphertext).not.toContain(Buffer.from('hunter2').toString('base64'));
    expect(decryptCredentials(key, a)).toEqual(credentials);
  });

  it('detects tampering anywhere in iv, tag or data', () => {
    const sealed = encryptCredentials(key, credentials);
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    for (const index of [0, 12, 28, raw.length - 1]) {
      const tampered = Buffer.from(raw);
      tampered[index]! ^= 0x01;
      expect(() => decryptCredentials(key, { ...sealed, ciphertext: tampered.toString('base64') })).toThrow(CredentialsUnreadableError);
    }
    expect(() => decryptCredentials(key, { ...sealed, ciphertext: raw.subarray(0, 20).toString('base64') })).toThrow(CredentialsUnreadableError);
  });

  it('refuses a wrong key, and opens old rows with a retired key during rotation', () => {
    const sealed = encryptCredentials(key, credentials);
    const other = randomBytes(32);
    expect(() => decryptCredentials(other, sealed)).toThrow(/No encryption key/);
    expect(() => decryptCredentials(other, { ...sealed, keyId: keyIdOf(other) })).toThrow(CredentialsUnreadableError);
    expect(decryptCredentials([other, key], sealed)).toEqual(credentials);
  });

  it('says nothing about the plaintext in its errors', () => {
    const sealed = encryptCredentials(key, credentials);
    try {
      decryptCredentials(randomBytes(32), { ...sealed, keyId: keyIdOf(randomBytes(32)) });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('hunter2');
    }
  });
});
