import type { Context } from '../access/context.js';
import { createLinearWebhook, deleteLinearWebhook, linearResourceType } from '../apps/linear/webhooks.js';
import type { LinearCredentials } from '../apps/linear/client.js';
import { audit } from '../audit/service.js';
import { ActionError } from '../catalog/define.js';
import { credentialsOf } from '../connections/service.js';

const PROVIDER_TIMEOUT_MS = 15_000;

/** A removed trigger whose events came through a provider-side webhook. */
export interface ProviderWebhook {
  id: string;
  teamId: string;
  component: string;
  providerWebhookId: string | null;
  connectionId: string | null;
}

/** Registers the Linear webhook for a new trigger; a provider refusal is the caller's CONNECTION_INVALID. */
export async function createProviderWebhook(ctx: Context, credentials: unknown, triggerId: string, component: string, config: { teamId: string }, secret: string): Promise<string> {
  return createLinearWebhook(
    ctx.config,
    credentials as LinearCredentials,
    { url: `${ctx.config.publicUrl}/webhooks/linear/${triggerId}`, secret, teamId: config.teamId, resourceTypes: [linearResourceType(component)], label: `Latchkey ${component} (${triggerId})` },
    AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
  );
}

/**
 * Deletes the provider webhooks of triggers already removed here. A provider that fails (or a
 * connection that is gone) does not bring the trigger back: the failure goes in the audit log.
 * `credentials` overrides the stored connection's (deleteConnection reads them before deleting it).
 */
export async function deleteProviderWebhooks(ctx: Context, triggers: ProviderWebhook[], credentials?: unknown): Promise<void> {
  for (const trigger of triggers) {
    if (!trigger.providerWebhookId) continue;
    try {
      let using = credentials;
      if (using === undefined) {
        const connection = trigger.connectionId ? await ctx.prisma.connection.findUnique({ where: { id: trigger.connectionId } }) : null;
        if (!connection) throw new ActionError('CONNECTION_INVALID', 'The connection the webhook was created through no longer exists.');
        using = credentialsOf(ctx, connection);
      }
      await deleteLinearWebhook(ctx.config, using as LinearCredentials, trigger.providerWebhookId, AbortSignal.timeout(PROVIDER_TIMEOUT_MS));
    } catch (error) {
      const message = error instanceof ActionError ? error.message : 'The provider could not be reached.';
      ctx.log.warn({ triggerId: trigger.id, component: trigger.component, reason: message }, 'provider webhook not deleted');
      await audit(ctx.prisma, ctx, null, {
        teamId: trigger.teamId,
        action: 'trigger.providerWebhookDeleteFailed',
        targetType: 'trigger',
        targetId: trigger.id,
        details: { component: trigger.component, providerWebhookId: trigger.providerWebhookId, error: message },
      });
    }
  }
}
