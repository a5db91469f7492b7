import type { Context, Viewer } from '../access/context.js';
import type { ApiKeyScope } from '../catalog/define.js';
import type { Prisma } from '../db/client.js';
import { audit } from '../audit/service.js';
import { errors, type InputIssue } from '../schema/errors.js';
import { describeRemoved, removeKeyTriggers } from '../triggers/service.js';
import { deleteProviderWebhooks, type ProviderWebhook } from '../triggers/webhooks.js';
import { generateKey, hashKey, lastFourOf } from './format.js';
import { validateGrants, type GrantInput } from './grants.js';
import { KEY_CHANGED_CHANNEL } from './verifier.js';

export const KEY_NAME_MAX = 100;
export const GRACE_MAX_SECONDS = 7 * 24 * 60 * 60;

export type ApiKeyStatus = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

export function statusOf(key: { revokedAt: Date | null; expiresAt: Date | null }, now = Date.now()): ApiKeyStatus {
  if (key.revokedAt) return 'REVOKED';
  if (key.expiresAt && key.expiresAt.getTime() <= now) return 'EXPIRED';
  return 'ACTIVE';
}

export interface KeyFieldsInput {
  name?: string | null;
  scopes?: ApiKeyScope[] | null;
  expiresAt?: Date | null;
  apps?: GrantInput[] | null;
}

function checkFields(input: KeyFieldsInput, issues: InputIssue[]) {
  const name = input.name?.trim();
  if (input.name !== undefined && input.name !== null && (!name || name.length > KEY_NAME_MAX)) {
    issues.push({ path: ['input', 'name'], message: `a key name is 1 to ${KEY_NAME_MAX} characters` });
  }
  if (input.scopes && input.scopes.length === 0) issues.push({ path: ['input', 'scopes'], message: 'choose at least one scope' });
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) issues.push({ path: ['input', 'expiresAt'], message: 'must be in the future' });
  return { name, scopes: input.scopes ? [...new Set(input.scopes)] : undefined };
}

/**
 * Tells every instance to forget the key: the NOTIFY is sent at commit, so a change that is rolled
 * back announces nothing. `settle` then waits until every instance has confirmed, so the change
 * holds on each of them from its very next request.
 */
async function announce(ctx: Context, tx: Prisma.TransactionClient, keyId: string): Promise<string> {
  const nonce = ctx.notifier.expectAcknowledgements();
  await tx.$executeRaw`SELECT pg_notify(${KEY_CHANGED_CHANNEL}, ${`${keyId}\n${nonce}`})`;
  return nonce;
}

async function settle(ctx: Context, keyId: string, nonce: string): Promise<void> {
  ctx.keys.invalidate(keyId);
  await ctx.notifier.awaitAcknowledgements(nonce);
}

export async function keyTeam(ctx: Context, keyId: string): Promise<string | null> {
  const key = await ctx.prisma.apiKey.findUnique({ where: { id: keyId }, select: { teamId: true } });
  return key?.teamId ?? null;
}

export async function createKey(ctx: Context, viewer: Viewer, teamId: string, input: Required<Pick<KeyFieldsInput, 'name' | 'scopes' | 'apps'>> & KeyFieldsInput) {
  const issues: InputIssue[] = [];
  const { name, scopes } = checkFields(input, issues);
  if (issues.length > 0) throw errors.badUserInput(issues);
  const grants = await validateGrants(ctx, teamId, input.apps ?? [], ['input', 'apps']);
  const secret = generateKey();
  const apiKey = await ctx.prisma.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        teamId,
        name: name!,
        scopes: scopes!,
        expiresAt: input.expiresAt ?? null,
        hash: hashKey(secret),
        lastFour: lastFourOf(secret),
        createdById: viewer.userId,
        grants: { create: grants },
      },
    });
    await audit(tx, ctx, viewer, {
      teamId,
      action: 'apiKey.create',
      targetType: 'apiKey',
      targetId: created.id,
      details: { name: created.name, scopes: created.scopes, expiresAt: created.expiresAt?.toISOString() ?? null, apps: grants.map((g) => ({ ...g })) },
    });
    return created;
  });
  return { apiKey, secret };
}

export async function updateKey(ctx: Context, viewer: Viewer, keyId: string, input: KeyFieldsInput) {
  const existing = await ctx.prisma.apiKey.findUniqueOrThrow({ where: { id: keyId } });
  const issues: InputIssue[] = [];
  const { name, scopes } = checkFields(input, issues);
  if (input.name === null) issues.push({ path: ['input', 'name'], message: 'a key needs a name' });
  if (input.scopes === null) issues.push({ path: ['input', 'scopes'], message: 'choose at least one scope' });
  if (issues.length > 0) throw errors.badUserInput(issues);
  const grants = input.apps ? await validateGrants(ctx, existing.teamId, input.apps, ['input', 'apps']) : null;
  const updated = await ctx.prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.update({
      where: { id: keyId },
      data: {
        ...(name !== undefined ? { name } : {}),
        ...(scopes ? { scopes } : {}),
        ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
      },
    });
    let removedTriggers: ProviderWebhook[] = [];
    if (grants) {
      await tx.keyGrant.deleteMany({ where: { apiKeyId: keyId } });
      await tx.keyGrant.createMany({ data: grants.map((grant) => ({ ...grant, apiKeyId: keyId })) });
      // A trigger whose component the key no longer holds (its app removed from the grants) goes too.
      const granted = new Set(grants.flatMap((grant) => grant.components));
      removedTriggers = await removeKeyTriggers(tx, keyId, (component) => granted.has(component));
    }
    await audit(tx, ctx, viewer, {
      teamId: existing.teamId,
      action: 'apiKey.update',
      targetType: 'apiKey',
      targetId: keyId,
      details: {
        ...(name !== undefined ? { name } : {}),
        ...(scopes ? { scopes } : {}),
        ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt?.toISOString() ?? null } : {}),
        ...(grants ? { apps: grants.map((g) => ({ ...g })) } : {}),
        ...(removedTriggers.length > 0 ? { removedTriggers: describeRemoved(removedTriggers) } : {}),
      },
    });
    return { key, removedTriggers, nonce: await announce(ctx, tx, keyId) };
  });
  await settle(ctx, keyId, updated.nonce);
  await deleteProviderWebhooks(ctx, updated.removedTriggers);
  return updated.key;
}

export async function regenerateKey(ctx: Context, viewer: Viewer, keyId: string, graceSeconds: number) {
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > GRACE_MAX_SECONDS) {
    throw errors.badUserInput([{ path: ['graceSeconds'], message: `must be between 0 and ${GRACE_MAX_SECONDS} (7 days)` }]);
  }
  const existing = await ctx.prisma.apiKey.findUniqueOrThrow({ where: { id: keyId } });
  if (existing.revokedAt) throw errors.badUserInput([{ path: ['id'], message: 'a revoked key cannot be regenerated; create a new key' }]);
  const secret = generateKey();
  const apiKey = await ctx.prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.update({
      where: { id: keyId },
      data: {
        hash: hashKey(secret),
        lastFour: lastFourOf(secret),
        previousHash: graceSeconds > 0 ? existing.hash : null,
        previousHashExpiresAt: graceSeconds > 0 ? new Date(Date.now() + graceSeconds * 1000) : null,
      },
    });
    await audit(tx, ctx, viewer, { teamId: existing.teamId, action: 'apiKey.regenerate', targetType: 'apiKey', targetId: keyId, details: { graceSeconds } });
    return { key, nonce: await announce(ctx, tx, keyId) };
  });
  await settle(ctx, keyId, apiKey.nonce);
  return { apiKey: apiKey.key, secret };
}

export async function revokeKey(ctx: Context, viewer: Viewer, keyId: string) {
  const existing = await ctx.prisma.apiKey.findUniqueOrThrow({ where: { id: keyId } });
  if (existing.revokedAt) return existing;
  const revoked = await ctx.prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date(), previousHash: null, previousHashExpiresAt: null } });
    const removedTriggers = await removeKeyTriggers(tx, keyId);
    await audit(tx, ctx, viewer, { teamId: existing.teamId, action: 'apiKey.revoke', targetType: 'apiKey', targetId: keyId, details: { name: existing.name, removedTriggers: describeRemoved(removedTriggers) } });
    return { key, removedTriggers, nonce: await announce(ctx, tx, keyId) };
  });
  await settle(ctx, keyId, revoked.nonce);
  await deleteProviderWebhooks(ctx, revoked.removedTriggers);
  return revoked.key;
}

export async function deleteKey(ctx: Context, viewer: Viewer, keyId: string) {
  const existing = await ctx.prisma.apiKey.findUniqueOrThrow({ where: { id: keyId } });
  const { nonce, removedTriggers } = await ctx.prisma.$transaction(async (tx) => {
    const removedTriggers = await removeKeyTriggers(tx, keyId);
    await tx.apiKey.delete({ where: { id: keyId } });
    await audit(tx, ctx, viewer, { teamId: existing.teamId, action: 'apiKey.delete', targetType: 'apiKey', targetId: keyId, details: { name: existing.name, removedTriggers: describeRemoved(removedTriggers) } });
    return { nonce: await announce(ctx, tx, keyId), removedTriggers };
  });
  await settle(ctx, keyId, nonce);
  await deleteProviderWebhooks(ctx, removedTriggers);
  return keyId;
}

export const USAGE_DAYS_MAX = 90;

export interface KeyUsageDay {
  /** YYYY-MM-DD, UTC. */
  day: string;
  runs: number;
  failed: number;
}

/** The last `days` UTC days, oldest first, ending today. */
function lastDays(days: number, now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, index) => new Date(today - (days - 1 - index) * 86_400_000).toISOString().slice(0, 10));
}

/**
 * Runs per key and UTC day for every key of the team, in one grouped query over the
 * (teamId, startedAt) index, so a list of keys with their charts costs one query.
 */
export async function teamKeyUsage(ctx: Context, teamId: string, days: number): Promise<(keyId: string) => KeyUsageDay[]> {
  const span = lastDays(days);
  // startedAt is stored as UTC without a zone, so its date is the UTC day.
  const rows = await ctx.prisma.$queryRaw<{ apiKeyId: string; day: string; runs: number; failed: number }[]>`
    SELECT "apiKeyId", to_char("startedAt", 'YYYY-MM-DD') AS "day", count(*)::int AS "runs", (count(*) FILTER (WHERE "status" = 'FAILED'))::int AS "failed"
    FROM "action_run"
    WHERE "teamId" = ${teamId} AND "apiKeyId" IS NOT NULL AND "startedAt" >= ${span[0]}::date
    GROUP BY 1, 2`;
  const counted = new Map(rows.map((row) => [`${row.apiKeyId}/${row.day}`, row]));
  return (keyId) => span.map((day) => ({ day, runs: counted.get(`${keyId}/${day}`)?.runs ?? 0, failed: counted.get(`${keyId}/${day}`)?.failed ?? 0 }));
}
