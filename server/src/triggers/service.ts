import { randomUUID } from 'node:crypto';
import type { Context } from '../access/context.js';
import { newSigningSecret } from '../apps/http/inbound.js';
import type { IntervalConfig } from '../apps/schedule/index.js';
import { catalog } from '../catalog/registry.js';
import { validateAgainst } from '../catalog/validation.js';
import type { Prisma } from '../db/client.js';
import type { KeyRecord } from '../keys/verifier.js';
import { ActionError } from '../catalog/define.js';
import { encryptCredentials } from '../connections/crypto.js';
import { connectionForRun } from '../connections/service.js';
import { errors } from '../schema/errors.js';
import { createProviderWebhook, deleteProviderWebhooks } from './webhooks.js';

/** Apps whose triggers can be registered today; the others need their inbound webhooks or a scheduler first. */
const AVAILABLE_APPS = new Set(['records', 'http', 'linear', 'notion', 'schedule']);

/**
 * registerTrigger: @apiKey checked WRITE, the grant and the component's scope. Validates the config
 * against the component's inputSchema and stores the trigger for this key.
 */
export async function registerTrigger(ctx: Context, key: KeyRecord, componentKey: string, rawConfig: unknown) {
  const component = catalog.component(componentKey)!;
  if (component.kind !== 'TRIGGER') throw errors.badUserInput([{ path: ['component'], message: `"${component.key}" is an action; run it with runAction` }]);
  if (!AVAILABLE_APPS.has(component.app.key)) {
    throw errors.badUserInput([{ path: ['component'], message: `"${component.key}" is not available yet: only records, http.webhook, schedule.interval, Linear and Notion triggers can be registered for now` }]);
  }
  const config = structuredClone(rawConfig ?? {});
  const issues = validateAgainst(component.inputSchema, config, ['config']);
  if (issues.length > 0) throw errors.badUserInput(issues, `Invalid config for ${component.key}: ${issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  const data = { teamId: key.teamId, apiKeyId: key.id, component: component.key, config: config as Prisma.InputJsonValue, connectionId: key.grants.get(component.app.key)?.connectionId ?? null };
  if (component.key === 'http.webhook') {
    // Shown once, here; stored sealed like connection credentials and never returned again.
    const signingSecret = newSigningSecret();
    const sealed = encryptCredentials(ctx.config.encryptionKey, signingSecret);
    const trigger = await ctx.prisma.trigger.create({ data: { ...data, secretKeyId: sealed.keyId, secretCiphertext: sealed.ciphertext } });
    return { trigger, inboundUrl: `${ctx.config.publicUrl}/webhooks/inbound/${trigger.id}`, signingSecret };
  }
  if (component.app.key === 'linear') {
    const granted = await connectionForRun(ctx, key, component);
    if (granted.error) throw errors.connectionInvalid(granted.error.message);
    const id = randomUUID();
    const secret = newSigningSecret();
    let providerWebhookId: string;
    try {
      providerWebhookId = await createProviderWebhook(ctx, granted.connection!.credentials, id, component.key, config as { teamId: string }, secret);
    } catch (error) {
      if (error instanceof ActionError) throw errors.connectionInvalid(`Linear did not create the webhook: ${error.message}`);
      throw error;
    }
    const sealed = encryptCredentials(ctx.config.encryptionKey, secret);
    try {
      const trigger = await ctx.prisma.trigger.create({ data: { ...data, id, providerWebhookId, secretKeyId: sealed.keyId, secretCiphertext: sealed.ciphertext } });
      return { trigger, inboundUrl: null, signingSecret: null };
    } catch (error) {
      // Not saved here: the webhook Linear just created must not outlive it.
      await deleteProviderWebhooks(ctx, [{ id, teamId: key.teamId, component: component.key, providerWebhookId, connectionId: data.connectionId }], granted.connection!.credentials);
      throw error;
    }
  }
  if (component.app.key === 'notion') {
    // No provider call: the admin subscribes the connection's webhook URL in Notion; events fan out by connection.
    const granted = await connectionForRun(ctx, key, component);
    if (granted.error) throw errors.connectionInvalid(granted.error.message);
    const trigger = await ctx.prisma.trigger.create({ data: { ...data, connectionId: granted.connection!.id } });
    return { trigger, inboundUrl: null, signingSecret: null };
  }
  if (component.key === 'schedule.interval') {
    // The first fire is one interval from now; the scheduler moves it on from there.
    const nextFireAt = new Date(Date.now() + (config as IntervalConfig).seconds * 1000);
    const trigger = await ctx.prisma.trigger.create({ data: { ...data, nextFireAt } });
    return { trigger, inboundUrl: null, signingSecret: null };
  }
  const trigger = await ctx.prisma.trigger.create({ data });
  return { trigger, inboundUrl: null, signingSecret: null };
}

const REMOVED = { id: true, teamId: true, component: true, providerWebhookId: true, connectionId: true } as const;

/** Another key's trigger, or another team's, does not exist here. A provider webhook goes after the local removal. */
export async function removeTrigger(ctx: Context, key: KeyRecord, id: string): Promise<string> {
  const trigger = await ctx.prisma.trigger.findFirst({ where: { id, apiKeyId: key.id }, select: REMOVED });
  const { count } = await ctx.prisma.trigger.deleteMany({ where: { id, apiKeyId: key.id } });
  if (!trigger || count === 0) throw errors.notFound('Trigger');
  await deleteProviderWebhooks(ctx, [trigger]);
  return id;
}

export async function assertOwnTrigger(ctx: Context, key: KeyRecord, id: string): Promise<void> {
  const trigger = await ctx.prisma.trigger.findFirst({ where: { id, apiKeyId: key.id }, select: { id: true } });
  if (!trigger) throw errors.notFound('Trigger');
}

/**
 * Removes a key's triggers whose component it may no longer use (all of them when `stillGranted`
 * is omitted), inside the caller's transaction. Returns what was removed, for the audit entry.
 */
export async function removeKeyTriggers(tx: Prisma.TransactionClient, apiKeyId: string, stillGranted?: (component: string) => boolean) {
  const triggers = await tx.trigger.findMany({ where: { apiKeyId }, select: REMOVED, orderBy: { createdAt: 'asc' } });
  const removed = stillGranted ? triggers.filter((trigger) => !stillGranted(trigger.component)) : triggers;
  if (removed.length > 0) await tx.trigger.deleteMany({ where: { id: { in: removed.map((trigger) => trigger.id) } } });
  return removed;
}

/** What an audit entry says of removed triggers. */
export function describeRemoved(triggers: { id: string; component: string }[]) {
  return triggers.map(({ id, component }) => ({ id, component }));
}
