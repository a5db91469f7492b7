import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../access/context.js';
import { httpInbound } from '../apps/http/inbound.js';
import { linearInbound } from '../apps/linear/webhooks.js';
import { BodyTooLargeError, MAX_BODY_BYTES, readBody } from '../body.js';
import { CredentialsUnreadableError, decryptCredentials } from '../connections/crypto.js';
import { appendEvent } from '../events/log.js';
import type { InboundWebhook } from './delivery.js';

/** `/webhooks/<target>/<triggerId>` → the app that signs and shapes those deliveries. */
const TARGETS: Record<string, InboundWebhook> = {
  inbound: httpInbound,
  linear: linearInbound,
};

function send(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Inbound webhooks: reads the exact raw bytes (at most 1 MiB), verifies them with the trigger's
 * secret, and answers 2xx only once the event is committed; a redelivery stores nothing new.
 */
export async function handleWebhook(services: Services, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const [, , target, triggerId, ...rest] = path.split('/');
  const inbound = target ? TARGETS[target] : undefined;
  if (!inbound || !triggerId || rest.length > 0) return send(res, 404, { error: 'Unknown webhook target.' });
  if (req.method !== 'POST') return send(res, 405, { error: 'Webhooks are delivered with POST.' }, { allow: 'POST' });

  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    send(res, 413, { error: `Webhook bodies are limited to ${MAX_BODY_BYTES} bytes.` }, { connection: 'close' });
    req.resume();
    return;
  }

  const { prisma, config, log } = services;
  const trigger = await prisma.trigger.findFirst({
    where: { id: triggerId, status: 'ACTIVE', component: { startsWith: `${inbound.app}.` } },
    select: { id: true, teamId: true, apiKeyId: true, component: true, secretKeyId: true, secretCiphertext: true },
  });
  if (!trigger?.secretKeyId || !trigger.secretCiphertext) return send(res, 404, { error: 'Unknown webhook target.' });

  let secret: string;
  try {
    secret = decryptCredentials<string>([config.encryptionKey, ...config.retiredEncryptionKeys], { keyId: trigger.secretKeyId, ciphertext: trigger.secretCiphertext });
  } catch (error) {
    if (!(error instanceof CredentialsUnreadableError)) throw error;
    log.error({ triggerId: trigger.id, reason: error.message }, 'trigger signing secret unreadable');
    return send(res, 500, { error: 'Internal error.' });
  }

  const verification = inbound.verify(raw, req.headers, secret, Date.now());
  if (!verification.ok) return send(res, verification.status, { error: verification.error });
  const payload = inbound.payload(trigger.component, verification.body);
  if (payload === null) return send(res, 200, { received: true, ignored: true });

  const stored = await prisma.$transaction((tx) =>
    appendEvent(tx, { teamId: trigger.teamId, triggerId: trigger.id, apiKeyId: trigger.apiKeyId, component: trigger.component, deliveryId: verification.deliveryId, payload }),
  );
  send(res, 200, { received: true, duplicate: stored === null });
}
