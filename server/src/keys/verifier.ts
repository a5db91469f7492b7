import type { PrismaClient } from '../db/client.js';
import type { Notifier } from '../db/notifier.js';
import type { ApiKeyScope } from '../catalog/define.js';
import { Lru } from '../util/lru.js';
import { hashKey, isWellFormedKey } from './format.js';
import type { KeyUsage } from './usage.js';

export const KEY_CHANGED_CHANNEL = 'latchkey_key_changed';

export interface KeyGrantRecord {
  connectionId: string | null;
  components: ReadonlySet<string>;
}

/** What a request needs to know about its key: cached in memory, never the secret. */
export interface KeyRecord {
  id: string;
  teamId: string;
  name: string;
  scopes: ReadonlySet<ApiKeyScope>;
  expiresAt: Date | null;
  revokedAt: Date | null;
  grants: ReadonlyMap<string, KeyGrantRecord>;
  hash: string;
  previousHash: string | null;
  previousHashExpiresAt: Date | null;
}

export type Verification = { ok: true; key: KeyRecord } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' };

/**
 * The key-verification hot path. Format and checksum are checked with no I/O; then a bounded cache
 * of key records by hash (and of unknown hashes) answers, and the database only on a miss. Any
 * change to a key is announced on LISTEN/NOTIFY and drops it from every instance's cache.
 */
export class KeyVerifier {
  private readonly known: Lru<string, KeyRecord>;
  private readonly unknown: Lru<string, number>;
  /** Bumped by every invalidation, so a load that raced with one is not cached. */
  private epoch = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly usage: KeyUsage,
    private readonly options: { maxKeys?: number; maxUnknown?: number; unknownTtlMs?: number } = {},
  ) {
    this.known = new Lru(options.maxKeys ?? 10_000);
    this.unknown = new Lru(options.maxUnknown ?? 10_000);
  }

  async listen(notifier: Notifier): Promise<void> {
    await notifier.listen(KEY_CHANGED_CHANNEL, (keyId) => this.invalidate(keyId));
    notifier.onReconnect(() => this.invalidateAll());
  }

  invalidate(keyId: string): void {
    this.epoch += 1;
    // Records are few per key (current and previous hash): a scan of the cache is cheap and rare.
    for (const [hash, record] of this.known.entries()) if (record.id === keyId) this.known.delete(hash);
    this.unknown.clear();
  }

  invalidateAll(): void {
    this.epoch += 1;
    this.known.clear();
    this.unknown.clear();
  }

  async verify(presented: string, now = Date.now()): Promise<Verification> {
    if (!isWellFormedKey(presented)) return { ok: false, reason: 'malformed' };
    const hash = hashKey(presented);
    let record = this.known.get(hash);
    if (!record) {
      const unknownUntil = this.unknown.get(hash);
      if (unknownUntil !== undefined && unknownUntil > now) return { ok: false, reason: 'unknown' };
      const loaded = await this.load(hash);
      if (!loaded) return { ok: false, reason: 'unknown' };
      record = loaded;
    }
    if (record.revokedAt) return { ok: false, reason: 'revoked' };
    if (record.expiresAt && record.expiresAt.getTime() <= now) return { ok: false, reason: 'expired' };
    if (hash !== record.hash && (!record.previousHashExpiresAt || record.previousHashExpiresAt.getTime() <= now)) return { ok: false, reason: 'unknown' };
    this.usage.touch(record.id, now);
    return { ok: true, key: record };
  }

  private async load(hash: string): Promise<KeyRecord | null> {
    const epoch = this.epoch;
    const row = await this.prisma.apiKey.findFirst({
      where: { OR: [{ hash }, { previousHash: hash }] },
      select: { id: true, teamId: true, name: true, scopes: true, expiresAt: true, revokedAt: true, hash: true, previousHash: true, previousHashExpiresAt: true, grants: true },
    });
    if (!row) {
      if (epoch === this.epoch) this.unknown.set(hash, Date.now() + (this.options.unknownTtlMs ?? 60_000));
      return null;
    }
    const record: KeyRecord = {
      ...row,
      scopes: new Set(row.scopes),
      grants: new Map(row.grants.map((grant) => [grant.app, { connectionId: grant.connectionId, components: new Set(grant.components) }])),
    };
    if (epoch === this.epoch) this.known.set(hash, record);
    return record;
  }
}
