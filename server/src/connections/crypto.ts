import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Credentials as stored: AES-256-GCM ciphertext (base64 of iv | tag | data) and the id of the key that sealed it. */
export interface SealedCredentials {
  keyId: string;
  ciphertext: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Credentials that cannot be opened: unknown key id, wrong key, or tampered ciphertext. Carries no plaintext. */
export class CredentialsUnreadableError extends Error {}

/** A short, non-secret fingerprint of an encryption key, so a rotated key can still open older rows. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('latchkey-credentials-key\n').update(key).digest('hex').slice(0, 16);
}

export function encryptCredentials(key: Buffer, credentials: unknown): SealedCredentials {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return { keyId: keyIdOf(key), ciphertext: Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64') };
}

/** Opens credentials sealed under any of `keys` (the current key first, then retired ones during a rotation). */
export function decryptCredentials<T = unknown>(keys: Buffer | Buffer[], sealed: SealedCredentials): T {
  const key = (Array.isArray(keys) ? keys : [keys]).find((candidate) => keyIdOf(candidate) === sealed.keyId);
  if (!key) throw new CredentialsUnreadableError(`No encryption key with id ${sealed.keyId} is configured.`);
  const raw = Buffer.from(sealed.ciphertext, 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new CredentialsUnreadableError('The stored credentials are truncated.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plaintext = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    return JSON.parse(plaintext.toString('utf8')) as T;
  } catch {
    throw new CredentialsUnreadableError('The stored credentials failed their integrity check.');
  }
}
