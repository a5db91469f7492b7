import type { Context, Viewer } from '../access/context.js';
import { audit } from '../audit/service.js';
import { ActionError, ConnectionCheckError, type AppDefinition, type Component, type ConnectionCheck, type ConnectionStatus, type RunConnection } from '../catalog/define.js';
import { catalog } from '../catalog/registry.js';
import { validateAgainst } from '../catalog/validation.js';
import type { Prisma } from '../db/client.js';
import { KEY_CHANGED_CHANNEL, type KeyRecord } from '../keys/verifier.js';
import { errors, type InputIssue } from '../schema/errors.js';
import { deleteProviderWebhooks } from '../triggers/webhooks.js';
import { decryptCredentials, encryptCredentials, keyIdOf } from './crypto.js';

export const CONNECTION_NAME_MAX = 100;
/** How long a provider may take to answer a credentials check. */
export const CHECK_TIMEOUT_MS = 15_000;

type ConnectionRow = Prisma.ConnectionGetPayload<object>;

/** The status a client sees: a connection whose expiry has passed is EXPIRED whatever was last stored. */
export function statusOf(connection: { status: ConnectionStatus; expiresAt: Date | null }, now = Date.now()): ConnectionStatus {
  if (connection.status === 'ACTIVE' && connection.expiresAt && connection.expiresAt.getTime() <= now) return 'EXPIRED';
  return connection.status;
}

export async function connectionTeam(ctx: Context, connectionId: string): Promise<string | null> {
  const connection = await ctx.prisma.connection.findUnique({ where: { id: connectionId }, select: { teamId: true } });
  return connection?.teamId ?? null;
}

type CheckOutcome = { ok: true; check: ConnectionCheck } | { ok: false; status: Exclude<ConnectionStatus, 'ACTIVE'>; message: string };

/** Asks the provider about the credentials. Never logs or returns them: only the provider's verdict. */
async function checkWithProvider(ctx: Context, app: AppDefinition, credentials: unknown): Promise<CheckOutcome> {
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  try {
    const check = await app.connection!.check(credentials, { config: ctx.config, signal });
    return { ok: true, check };
  } catch (error) {
    if (error instanceof ConnectionCheckError) return { ok: false, status: error.status, message: error.message };
    if (signal.aborted) return { ok: false, status: 'ERROR', message: `${app.name} did not answer within ${CHECK_TIMEOUT_MS / 1000} s.` };
    ctx.log.warn({ app: app.key, error: error instanceof Error ? error.name : typeof error }, 'connection check failed unexpectedly');
    return { ok: false, status: 'ERROR', message: `${app.name} could not be reached to check the credentials.` };
  }
}

export interface CreateConnectionInput {
  teamId: string;
  app: string;
  name: string;
  credentials: unknown;
}

/** Validates the credentials, checks them with the provider, and only then stores them, encrypted. */
export async function createConnection(ctx: Context, viewer: Viewer, input: CreateConnectionInput) {
  const issues: InputIssue[] = [];
  const app = catalog.app(input.app);
  if (!app) issues.push({ path: ['input', 'app'], message: `unknown app "${input.app}"` });
  else if (!app.connection) issues.push({ path: ['input', 'app'], message: `${app.name} uses no connected account` });
  const name = input.name.trim();
  if (!name || name.length > CONNECTION_NAME_MAX) issues.push({ path: ['input', 'name'], message: `a connection name is 1 to ${CONNECTION_NAME_MAX} characters` });
  const credentials = structuredClone(input.credentials);
  if (app?.connection) issues.push(...validateAgainst(app.connection.credentialsSchema, credentials, ['input', 'credentials']));
  if (issues.length > 0) throw errors.badUserInput(issues);

  const outcome = await checkWithProvider(ctx, app!, credentials);
  if (!outcome.ok) throw errors.connectionInvalid(`${app!.name} refused the credentials: ${outcome.message}`, { status: outcome.status });
  const expiresAt = outcome.check.expiresAt ?? null;
  const sealed = encryptCredentials(ctx.config.encryptionKey, credentials);
  return ctx.prisma.$transaction(async (tx) => {
    const created = await tx.connection.create({
      data: {
        teamId: input.teamId,
        app: app!.key,
        name,
        status: 'ACTIVE',
        grantedPermissions: [...new Set(outcome.check.permissions)],
        expiresAt,
        lastCheckedAt: new Date(),
        credentialsCiphertext: sealed.ciphertext,
        credentialsKeyId: sealed.keyId,
        createdById: viewer.userId,
      },
    });
    await audit(tx, ctx, viewer, {
      teamId: input.teamId,
      action: 'connection.create',
      targetType: 'connection',
      targetId: created.id,
      details: { app: created.app, name: created.name, grantedPermissions: created.grantedPermissions, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return created;
  });
}

export function credentialsOf<T = unknown>(ctx: Context, connection: ConnectionRow): T {
  return decryptCredentials<T>([ctx.config.encryptionKey, ...ctx.config.retiredEncryptionKeys], { keyId: connection.credentialsKeyId, ciphertext: connection.credentialsCiphertext });
}

/** Re-checks the stored credentials with the provider and records what it says. */
export async function testConnection(ctx: Context, viewer: Viewer, connectionId: string) {
  const existing = await ctx.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
  const app = catalog.app(existing.app);
  let outcome: CheckOutcome;
  let credentials: unknown;
  if (!app?.connection) outcome = { ok: false, status: 'ERROR', message: `The app "${existing.app}" is no longer available.` };
  else {
    try {
      credentials = credentialsOf(ctx, existing);
    } catch (error) {
      ctx.log.error({ connectionId, reason: (error as Error).message }, 'connection credentials unreadable');
    }
    outcome = credentials === undefined ? { ok: false, status: 'ERROR', message: 'The stored credentials cannot be read with the configured encryption key.' } : await checkWithProvider(ctx, app, credentials);
  }
  const now = new Date();
  // Credentials sealed under a retired key are sealed again under the current one.
  const resealed = credentials !== undefined && existing.credentialsKeyId !== keyIdOf(ctx.config.encryptionKey) ? encryptCredentials(ctx.config.encryptionKey, credentials) : null;
  const data: Prisma.ConnectionUpdateInput = outcome.ok
    ? {
        status: outcome.check.expiresAt && outcome.check.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : 'ACTIVE',
        grantedPermissions: [...new Set(outcome.check.permissions)],
        expiresAt: outcome.check.expiresAt ?? null,
        lastCheckedAt: now,
        lastError: null,
      }
    : { status: outcome.status, lastCheckedAt: now, lastError: outcome.message };
  if (resealed) Object.assign(data, { credentialsCiphertext: resealed.ciphertext, credentialsKeyId: resealed.keyId });
  return ctx.prisma.$transaction(async (tx) => {
    const updated = await tx.connection.update({ where: { id: connectionId }, data });
    await audit(tx, ctx, viewer, {
      teamId: existing.teamId,
      action: 'connection.test',
      targetType: 'connection',
      targetId: connectionId,
      details: { name: updated.name, status: updated.status, grantedPermissions: updated.grantedPermissions, lastError: updated.lastError },
    });
    return updated;
  });
}

/**
 * Forgets the Notion webhook verification token, so the next handshake (after the subscription is
 * made again in Notion) is accepted. Until then, deliveries to this connection answer 401.
 */
export async function resetConnectionWebhook(ctx: Context, viewer: Viewer, connectionId: string) {
  const existing = await ctx.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
  if (existing.app !== 'notion') throw errors.badUserInput([{ path: ['id'], message: 'only Notion connections receive webhooks through their own URL' }]);
  return ctx.prisma.$transaction(async (tx) => {
    const updated = await tx.connection.update({ where: { id: connectionId }, data: { webhookTokenKeyId: null, webhookTokenCiphertext: null, webhookVerifiedAt: null } });
    await audit(tx, ctx, viewer, { teamId: existing.teamId, action: 'connection.resetWebhook', targetType: 'connection', targetId: connectionId, details: { name: existing.name } });
    return updated;
  });
}

/** Deletes the connection and exactly the key grants that use it, naming them in the audit entry. */
export async function deleteConnection(ctx: Context, viewer: Viewer, connectionId: string): Promise<string> {
  const existing = await ctx.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
  // The triggers go with the connection; their provider webhooks are deleted with its credentials, read first.
  let credentials: unknown;
  try {
    credentials = credentialsOf(ctx, existing);
  } catch {
    credentials = undefined;
  }
  const { affectedKeys, removedTriggers } = await ctx.prisma.$transaction(async (tx) => {
    const removedTriggers = await tx.trigger.findMany({ where: { connectionId }, select: { id: true, teamId: true, component: true, providerWebhookId: true, connectionId: true }, orderBy: { createdAt: 'asc' } });
    const grants = await tx.keyGrant.findMany({ where: { connectionId }, include: { apiKey: { select: { id: true, name: true } } }, orderBy: { id: 'asc' } });
    await tx.keyGrant.deleteMany({ where: { id: { in: grants.map((grant) => grant.id) } } });
    await tx.connection.delete({ where: { id: connectionId } });
    await audit(tx, ctx, viewer, {
      teamId: existing.teamId,
      action: 'connection.delete',
      targetType: 'connection',
      targetId: connectionId,
      details: {
        app: existing.app,
        name: existing.name,
        removedGrants: grants.map((grant) => ({ apiKeyId: grant.apiKey.id, apiKeyName: grant.apiKey.name, app: grant.app, components: grant.components })),
        ...(removedTriggers.length > 0 ? { removedTriggers: removedTriggers.map(({ id, component }) => ({ id, component })) } : {}),
      },
    });
    // Every instance drops these keys from its cache when the transaction commits, and confirms it.
    const announced: { keyId: string; nonce: string }[] = [];
    for (const keyId of new Set(grants.map((grant) => grant.apiKeyId))) {
      const nonce = ctx.notifier.expectAcknowledgements();
      await tx.$executeRaw`SELECT pg_notify(${KEY_CHANGED_CHANNEL}, ${`${keyId}\n${nonce}`})`;
      announced.push({ keyId, nonce });
    }
    return { affectedKeys: announced, removedTriggers };
  });
  for (const { keyId } of affectedKeys) ctx.keys.invalidate(keyId);
  await Promise.all(affectedKeys.map(({ nonce }) => ctx.notifier.awaitAcknowledgements(nonce)));
  await deleteProviderWebhooks(ctx, removedTriggers, credentials);
  return connectionId;
}

export type ConnectionProblem = { reason: 'NOT_FOUND' | 'WRONG_APP' | 'STATUS' | 'MISSING_PERMISSIONS'; message: string; status?: ConnectionStatus; missingPermissions?: string[] };

/** Why a connection cannot serve these components right now (null when it can). Another team's connection is a missing one. */
export function connectionProblem(connection: Pick<ConnectionRow, 'app' | 'status' | 'expiresAt' | 'grantedPermissions' | 'name'> | null, app: AppDefinition, components: Pick<Component, 'requiredPermissions'>[]): ConnectionProblem | null {
  if (!connection) return { reason: 'NOT_FOUND', message: 'The connection does not exist.' };
  if (connection.app !== app.key) return { reason: 'WRONG_APP', message: `The connection "${connection.name}" is not a ${app.name} connection.` };
  const status = statusOf(connection);
  if (status !== 'ACTIVE') return { reason: 'STATUS', status, message: `The connection "${connection.name}" is ${status.toLowerCase()}; test or reconnect it first.` };
  const granted = new Set(connection.grantedPermissions);
  const missing = [...new Set(components.flatMap((component) => component.requiredPermissions))].filter((permission) => !granted.has(permission)).sort();
  if (missing.length > 0) return { reason: 'MISSING_PERMISSIONS', missingPermissions: missing, message: `The connection "${connection.name}" lacks the permission${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.` };
  return null;
}

export type RunConnectionResult = { connection: RunConnection | null; error: null } | { connection: null; error: { code: string; message: string } };

/** The connection a run acts through, checked again at run time (it may have expired or failed since it was granted). */
export async function connectionForRun(ctx: Context, key: KeyRecord, component: Component): Promise<RunConnectionResult> {
  if (!component.app.needsConnection) return { connection: null, error: null };
  const connectionId = key.grants.get(component.app.key)?.connectionId ?? null;
  const row = connectionId ? await ctx.prisma.connection.findFirst({ where: { id: connectionId, teamId: key.teamId } }) : null;
  const problem = connectionProblem(row, component.app, [component]);
  if (problem) return { connection: null, error: { code: 'CONNECTION_INVALID', message: problem.message } };
  try {
    return { connection: { id: row!.id, credentials: credentialsOf(ctx, row!), permissions: row!.grantedPermissions }, error: null };
  } catch (error) {
    ctx.log.error({ connectionId: row!.id, reason: (error as Error).message }, 'connection credentials unreadable');
    return { connection: null, error: { code: 'CONNECTION_INVALID', message: 'The connection’s credentials cannot be read; reconnect it.' } };
  }
}

/** A run's provider said the connection no longer works (revoked token, failing account): remember it. */
export async function markConnectionFromRun(ctx: Context, connection: RunConnection | null, error: unknown): Promise<void> {
  if (!connection || !(error instanceof ActionError) || !error.details.connectionStatus) return;
  await ctx.prisma.connection.update({ where: { id: connection.id }, data: { status: error.details.connectionStatus, lastError: error.message, lastCheckedAt: new Date() } });
}
