import { hash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * `lk_` + 40 base62 characters from the CSPRNG (40 × log2(62) ≈ 238 bits) + 6 base62 characters
 * holding the CRC32 of those 40, so a mistyped or made-up key is refused before any database work.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PREFIX = 'lk_';
const RANDOM_LENGTH = 40;
const CHECKSUM_LENGTH = 6;
export const KEY_PATTERN = /^lk_[0-9A-Za-z]{46}$/;

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: rejecting larger bytes keeps every character equally likely.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

function checksum(body: string): string {
  let value = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export function generateKey(): string {
  const body = randomBase62(RANDOM_LENGTH);
  return `${PREFIX}${body}${checksum(body)}`;
}

/** Format and checksum only: no I/O. */
export function isWellFormedKey(key: string): boolean {
  if (!KEY_PATTERN.test(key)) return false;
  const body = key.slice(PREFIX.length, PREFIX.length + RANDOM_LENGTH);
  return checksum(body) === key.slice(PREFIX.length + RANDOM_LENGTH);
}

/** SHA-256 is the right hash for a 238-bit random secret: nothing to brute-force, and fast to check. */
export function hashKey(key: string): string {
  return hash('sha256', key);
}

export const lastFourOf = (key: string) => key.slice(-4);
export const maskedKey = (lastFour: string) => `lk_…${lastFour}`;
