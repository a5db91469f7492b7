import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { headerOf, parseJson } from '../../webhooks/delivery.js';

/** Which Notion event types fire which trigger component. */
const COMPONENTS: Record<string, string> = {
  'page.created': 'notion.pageCreated',
  'page.content_updated': 'notion.pageUpdated',
  'page.properties_updated': 'notion.pageUpdated',
  'comment.created': 'notion.commentCreated',
};

type Json = Record<string, any>;

/** The trigger component a Notion event type fires, or null for one no trigger listens to. */
export function notionComponentFor(type: unknown): string | null {
  return typeof type === 'string' ? (COMPONENTS[type] ?? null) : null;
}

/** X-Notion-Signature: `sha256=` + hex HMAC-SHA256 of the exact raw body keyed with the verification_token; compared in constant time. */
export function notionSignatureMatches(raw: Buffer, verificationToken: string, header: string | undefined): boolean {
  const match = header ? /^sha256=([0-9a-f]{64})$/i.exec(header.trim()) : null;
  if (!match) return false;
  const expected = createHmac('sha256', verificationToken).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}

export type NotionDelivery =
  | { kind: 'handshake'; verificationToken: string }
  | { kind: 'event'; id: string; event: Json }
  | { kind: 'invalid'; status: 400 | 401; error: string };

/** Reads one delivery: the unsigned handshake Notion sends first, or a signed event once a token is stored. */
export function readNotionDelivery(raw: Buffer, headers: IncomingHttpHeaders, verificationToken: string | null): NotionDelivery {
  const parsed = parseJson(raw);
  if (verificationToken !== null && !notionSignatureMatches(raw, verificationToken, headerOf(headers, 'x-notion-signature'))) {
    // Notion may repeat the unsigned handshake; only the token already stored is acknowledged.
    const repeated = parsed.ok && typeof (parsed.body as Json | null)?.verification_token === 'string' && sameText((parsed.body as Json).verification_token, verificationToken);
    if (repeated) return { kind: 'handshake', verificationToken };
    return { kind: 'invalid', status: 401, error: 'The X-Notion-Signature is missing or does not match.' };
  }
  if (!parsed.ok || typeof parsed.body !== 'object' || parsed.body === null || Array.isArray(parsed.body)) return { kind: 'invalid', status: 400, error: 'The body is not a JSON object.' };
  const body = parsed.body as Json;
  if (verificationToken === null) {
    if (typeof body.verification_token === 'string' && body.verification_token.length > 0) return { kind: 'handshake', verificationToken: body.verification_token };
    return { kind: 'invalid', status: 401, error: 'No verification handshake has been received for this connection yet.' };
  }
  if (typeof body.verification_token === 'string') return { kind: 'handshake', verificationToken: body.verification_token };
  if (typeof body.id !== 'string' || body.id.length === 0 || typeof body.type !== 'string') return { kind: 'invalid', status: 400, error: 'The event has no id or type.' };
  return { kind: 'event', id: body.id, event: body };
}

function sameText(a: string, b: string): boolean {
  const digest = (text: string) => createHmac('sha256', 'latchkey-compare').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

const bareId = (id: string) => id.replace(/-/g, '').toLowerCase();

/** The database the event's page lives in, when Notion says so. */
export function parentDatabaseOf(event: Json): string | null {
  const parent = event.data?.parent;
  if (parent && typeof parent === 'object') {
    if (typeof parent.database_id === 'string') return parent.database_id;
    if ((parent.type === 'database' || parent.type === 'database_id') && typeof parent.id === 'string') return parent.id;
  }
  return null;
}

/** Whether a trigger with this config fires on the event: a databaseId filter needs the event's parent database to match. */
export function notionConfigMatches(config: unknown, event: Json): boolean {
  const databaseId = (config as { databaseId?: unknown } | null)?.databaseId;
  if (typeof databaseId !== 'string') return true;
  const parent = parentDatabaseOf(event);
  return parent !== null && bareId(parent) === bareId(databaseId);
}

/** The trigger event payload: `{ type, entity: { id, type }, data, timestamp }`. */
export function notionPayload(event: Json) {
  const entity: Json = typeof event.entity === 'object' && event.entity !== null ? event.entity : {};
  return {
    type: event.type,
    entity: { id: String(entity.id ?? ''), type: String(entity.type ?? '') },
    data: typeof event.data === 'object' && event.data !== null ? event.data : {},
    timestamp: typeof event.timestamp === 'string' ? event.timestamp : new Date().toISOString(),
  };
}
