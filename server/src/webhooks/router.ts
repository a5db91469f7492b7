import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../access/context.js';
import { httpInbound } from '../apps/http/inbound.js';
import { linearInbound } from '../apps/linear/webhooks.js';
import { notionComponentFor, notionConfigMatches, notionPayload, readNotionDelivery } from '../apps/notion/webhooks.js';
import { CredentialsUnreadableError, decryptCredentials, encryptCredentials } from '../connections/crypto.js';
import { appendEvent } from '../events/log.js';
import { Lru } from '../util/lru.js';
import { handleClerk } from './clerk.js';
import { readDelivery, send, type InboundWebhook } from './delivery.js';

/** `/webhooks/<target>/<triggerId>` → the app that signs and shapes those deliveries. */
const TARGETS: Record<string, InboundWebhook> = {
  inbound: httpInbound,
  linear: linearInbound,
};

/**
 * Inbound webhooks: reads the exact raw bytes (at most 1 MiB), verifies them with the trigger's
 * secret, and answers 2xx only once the event is committed; a redelivery stores nothing new.
 */
export async function handleWebhook(services: Services, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (path === '/webhooks/clerk') return handleClerk(services, req, res);
  const [, , target, triggerId, ...rest] = path.split('/');
  const inbound = target ? TARGETS[target] : undefined;
  if ((!inbound && target !== 'notion') || !triggerId || rest.length > 0) return send(res, 404, { error: 'Unknown webhook target.' });
  const raw = await readDelivery(req, res);
  if (!raw) return;
  if (!inbound) return handleNotion(services, triggerId, raw, req, res);

  const trigger = await signedTrigger(services, inbound, triggerId);
  if (trigger === 'unreadable') return send(res, 500, { error: 'Internal error.' });
  if (!trigger) return send(res, 404, { error: 'Unknown webhook target.' });
  const { secret } = trigger;

  const verification = inbound.verify(raw, req.headers, secret, Date.now());
  if (!verification.ok) return send(res, verification.status, { error: verification.error });
  const payload = inbound.payload(trigger.component, verification.body);
  if (payload === null) return send(res, 200, { received: true, ignored: true });

  const result = await services.appender.append({ teamId: trigger.teamId, triggerId: trigger.id, apiKeyId: trigger.apiKeyId, component: trigger.component, deliveryId: verification.deliveryId, payload });
  // Removed while this delivery was on its way: as unknown as it will be on the provider's retry.
  if ('triggerGone' in result) return send(res, 404, { error: 'Unknown webhook target.' });
  send(res, 200, { received: true, duplicate: 'duplicate' in result });
}

interface SignedTrigger {
  id: string;
  teamId: string;
  apiKeyId: string;
  component: string;
  secret: string;
}

/**
 * An ACTIVE trigger's row and opened signing secret, kept a short while: a provider sending a burst
 * then costs one lookup, not one per delivery. What a trigger keeps never changes (a new secret is a
 * new trigger), and the append checks again, in its own statement, that the trigger is still there
 * and ACTIVE, so one removed meanwhile still answers 404.
 */
const signedTriggers = new Lru<string, { trigger: SignedTrigger; until: number }>(10_000);
const SIGNED_TRIGGER_TTL_MS = 60_000;

async function signedTrigger(services: Services, inbound: InboundWebhook, triggerId: string): Promise<SignedTrigger | 'unreadable' | null> {
  const cached = signedTriggers.get(triggerId);
  if (cached && cached.until > Date.now() && cached.trigger.component.startsWith(`${inbound.app}.`)) return cached.trigger;
  const { prisma, config, log } = services;
  const row = await prisma.trigger.findFirst({
    where: { id: triggerId, status: 'ACTIVE', component: { startsWith: `${inbound.app}.` } },
    select: { id: true, teamId: true, apiKeyId: true, component: true, secretKeyId: true, secretCiphertext: true },
  });
  if (!row?.secretKeyId || !row.secretCiphertext) return null;
  try {
    const secret = decryptCredentials<string>([config.encryptionKey, ...config.retiredEncryptionKeys], { keyId: row.secretKeyId, ciphertext: row.secretCiphertext });
    const trigger = { id: row.id, teamId: row.teamId, apiKeyId: row.apiKeyId, component: row.component, secret };
    signedTriggers.set(triggerId, { trigger, until: Date.now() + SIGNED_TRIGGER_TTL_MS });
    return trigger;
  } catch (error) {
    if (!(error instanceof CredentialsUnreadableError)) throw error;
    log.error({ triggerId: row.id, reason: error.message }, 'trigger signing secret unreadable');
    return 'unreadable';
  }
}

/**
 * `POST /webhooks/notion/:connectionId`: one Notion webhook subscription per connection. The first,
 * unsigned delivery is the handshake whose verification_token is stored sealed on the connection;
 * every later one is signed with it, deduped on the event id, and fans out to the connection's
 * ACTIVE triggers of the matching component (and databaseId filter).
 */
async function handleNotion(services: Services, connectionId: string, raw: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { prisma, config, log } = services;
  const connection = await prisma.connection.findFirst({
    where: { id: connectionId, app: 'notion' },
    select: { id: true, teamId: true, webhookTokenKeyId: true, webhookTokenCiphertext: true },
  });
  if (!connection) return send(res, 404, { error: 'Unknown webhook target.' });

  let token: string | null = null;
  if (connection.webhookTokenKeyId && connection.webhookTokenCiphertext) {
    try {
      token = decryptCredentials<string>([config.encryptionKey, ...config.retiredEncryptionKeys], { keyId: connection.webhookTokenKeyId, ciphertext: connection.webhookTokenCiphertext });
    } catch (error) {
      if (!(error instanceof CredentialsUnreadableError)) throw error;
      log.error({ connectionId: connection.id, reason: error.message }, 'notion verification token unreadable');
      return send(res, 500, { error: 'Internal error.' });
    }
  }

  const delivery = readNotionDelivery(raw, req.headers, token);
  if (delivery.kind === 'invalid') return send(res, delivery.status, { error: delivery.error });
  if (delivery.kind === 'handshake') {
    if (delivery.verificationToken !== token) {
      const sealed = encryptCredentials(config.encryptionKey, delivery.verificationToken);
      await prisma.connection.update({ where: { id: connection.id }, data: { webhookTokenKeyId: sealed.keyId, webhookTokenCiphertext: sealed.ciphertext, webhookVerifiedAt: new Date() } });
    }
    return send(res, 200, { received: true, verified: true });
  }

  const component = notionComponentFor(delivery.event.type);
  const triggers = component
    ? await prisma.trigger.findMany({ where: { connectionId: connection.id, teamId: connection.teamId, status: 'ACTIVE', component }, select: { id: true, apiKeyId: true, component: true, config: true }, orderBy: { createdAt: 'asc' } })
    : [];
  const matching = triggers.filter((trigger) => notionConfigMatches(trigger.config, delivery.event));
  if (matching.length === 0) return send(res, 200, { received: true, ignored: true });

  const payload = notionPayload(delivery.event);
  const stored = await prisma.$transaction(async (tx) => {
    let count = 0;
    for (const trigger of matching) {
      const event = await appendEvent(tx, { teamId: connection.teamId, triggerId: trigger.id, apiKeyId: trigger.apiKeyId, component: trigger.component, deliveryId: delivery.id, payload });
      if (event) count += 1;
    }
    return count;
  });
  send(res, 200, { received: true, duplicate: stored === 0 });
}
