import { describe, expect, it } from 'vitest';
import { generateKey, hashKey, isWellFormedKey, KEY_PATTERN, lastFourOf, maskedKey } from './format.js';

describe('key format', () => {
  it('generates well-formed, distinct keys that match the contract pattern', () => {
    const keys = new Set(Array.from({ length: 2000 }, generateKey));
    expect(keys.size).toBe(2000);
    for (const key of keys) {
      expect(key).toMatch(KEY_PATTERN);
      expect(isWellFormedKey(key)).toBe(true);
    }
  });

  it('uses every base62 character with about equal frequency', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const char of generateKey().slice(3, 43)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (2000 * 40) / 62;
    for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.15);
  });

  it('refuses a key whose checksum does not match, or of the wrong shape', () => {
    const key = generateKey();
    const flipped = key.slice(0, 10) + (key[10] === 'a' ? 'b' : 'a') + key.slice(11);
    expect(isWellFormedKey(flipped)).toBe(false);
    expect(isWellFormedKey(key.slice(0, -1) + (key.at(-1) === '0' ? '1' : '0'))).toBe(false);
    expect(isWellFormedKey(key + 'x')).toBe(false);
    expect(isWellFormedKey(key.replace('lk_', 'lx_'))).toBe(false);
    expect(isWellFormedKey('')).toBe(false);
  });

  it('hashes with SHA-256 and masks to the last four characters', () => {
    const key = generateKey();
    expect(hashKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashKey(key)).not.toContain(key.slice(3, 20));
    expect(lastFourOf(key)).toBe(key.slice(-4));
    expect(maskedKey(lastFourOf(key))).toBe(`lk_…${key.slice(-4)}`);
  });
});
