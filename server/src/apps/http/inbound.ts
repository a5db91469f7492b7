import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { headerOf, parseJson, type InboundWebhook } from '../../webhooks/delivery.js';

/** A Standard Webhooks secret: `whsec_` and base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * `POST /webhooks/inbound/:triggerId`: Standard Webhooks (webhook-id, webhook-timestamp within
 * 5 minutes, webhook-signature v1,<base64>), verified by the maintained `standardwebhooks` package.
 */
export const httpInbound: InboundWebhook = {
  app: 'http',
  verify(raw, headers, secret) {
    const id = headerOf(headers, 'webhook-id');
    const timestamp = headerOf(headers, 'webhook-timestamp');
    const signature = headerOf(headers, 'webhook-signature');
    if (!id || !timestamp || !signature) return { ok: false, status: 401, error: 'Missing webhook-id, webhook-timestamp or webhook-signature.' };
    try {
      new Webhook(secret).verify(raw, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature }, { jsonParse: false });
    } catch (error) {
      if (error instanceof WebhookVerificationError) return { ok: false, status: 401, error: 'The signature or its timestamp is not valid.' };
      throw error;
    }
    const parsed = parseJson(raw);
    if (!parsed.ok) return { ok: false, status: 400, error: 'The body is not JSON.' };
    return { ok: true, deliveryId: id, body: parsed.body };
  },
  payload: (_component, body) => body,
};
