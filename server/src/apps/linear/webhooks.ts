import { createHmac, timingSafeEqual } from 'node:crypto';
import { ActionError } from '../../catalog/define.js';
import type { Config } from '../../config.js';
import { headerOf, parseJson, type InboundWebhook } from '../../webhooks/delivery.js';
import { linearRequest, type LinearCredentials } from './client.js';
import { WEBHOOK_CREATE, WEBHOOK_DELETE } from './documents.js';

/** Linear signs webhookTimestamp into the body; older deliveries are refused as replays. */
export const LINEAR_TIMESTAMP_TOLERANCE_MS = 60_000;

/** Which Linear deliveries fire which trigger component. */
const DELIVERIES: Record<string, { type: 'Issue' | 'Comment'; action: 'create' | 'update' }> = {
  'linear.issueCreated': { type: 'Issue', action: 'create' },
  'linear.issueUpdated': { type: 'Issue', action: 'update' },
  'linear.commentCreated': { type: 'Comment', action: 'create' },
};

export function linearResourceType(component: string): 'Issue' | 'Comment' {
  const delivery = DELIVERIES[component];
  if (!delivery) throw new Error(`${component} is not a Linear trigger`);
  return delivery.type;
}

function signatureMatches(raw: Buffer, secret: string, signature: string | undefined): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

type Json = Record<string, any>;

/**
 * `POST /webhooks/linear/:triggerId`: Linear-Signature is hex HMAC-SHA256 of the raw body with the
 * secret Latchkey gave webhookCreate; the body's webhookTimestamp (ms) must be within 60 s.
 */
export const linearInbound: InboundWebhook = {
  app: 'linear',
  verify(raw, headers, secret, now) {
    if (!signatureMatches(raw, secret, headerOf(headers, 'linear-signature'))) return { ok: false, status: 401, error: 'The Linear-Signature is missing or does not match.' };
    const parsed = parseJson(raw);
    if (!parsed.ok || typeof parsed.body !== 'object' || parsed.body === null) return { ok: false, status: 400, error: 'The body is not a JSON object.' };
    const timestamp = (parsed.body as Json).webhookTimestamp;
    if (typeof timestamp !== 'number' || Math.abs(now - timestamp) > LINEAR_TIMESTAMP_TOLERANCE_MS) return { ok: false, status: 401, error: 'The webhookTimestamp is missing or more than 60 seconds away.' };
    const deliveryId = headerOf(headers, 'linear-delivery');
    if (!deliveryId) return { ok: false, status: 400, error: 'The Linear-Delivery header is missing.' };
    return { ok: true, deliveryId, body: parsed.body };
  },
  payload(component, body) {
    const delivery = body as Json;
    const wanted = DELIVERIES[component];
    if (!wanted || delivery.type !== wanted.type || delivery.action !== wanted.action) return null;
    const data: Json = typeof delivery.data === 'object' && delivery.data !== null ? delivery.data : {};
    if (wanted.type === 'Comment') {
      return { comment: { ...data, id: data.id, body: data.body ?? '', issueId: data.issueId ?? data.issue?.id, url: data.url ?? delivery.url } };
    }
    const issue = { ...data, id: data.id, identifier: data.identifier, title: data.title, url: data.url ?? delivery.url, teamId: data.teamId ?? data.team?.id };
    return wanted.action === 'update' && delivery.updatedFrom ? { issue, updatedFrom: delivery.updatedFrom } : { issue };
  },
};

/** Creates the Linear webhook a trigger's events arrive through; returns Linear's webhook id. */
export async function createLinearWebhook(config: Config, credentials: LinearCredentials, input: { url: string; secret: string; teamId: string; resourceTypes: string[]; label: string }, signal: AbortSignal): Promise<string> {
  const { webhookCreate } = await linearRequest<{ webhookCreate: { success: boolean; webhook: { id: string } | null } }>(config, credentials, WEBHOOK_CREATE, { input }, signal);
  if (!webhookCreate.success || !webhookCreate.webhook) throw new ActionError('PROVIDER_ERROR', 'Linear did not create the webhook.');
  return webhookCreate.webhook.id;
}

export async function deleteLinearWebhook(config: Config, credentials: LinearCredentials, id: string, signal: AbortSignal): Promise<void> {
  const { webhookDelete } = await linearRequest<{ webhookDelete: { success: boolean } }>(config, credentials, WEBHOOK_DELETE, { id }, signal);
  if (!webhookDelete.success) throw new ActionError('PROVIDER_ERROR', 'Linear did not delete the webhook.');
}
