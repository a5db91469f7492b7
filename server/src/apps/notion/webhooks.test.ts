import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { notionComponentFor, notionConfigMatches, notionPayload, notionSignatureMatches, readNotionDelivery } from './webhooks.js';

const vectors = JSON.parse(readFileSync(new URL('../../../test/fakes/webhook-vectors.json', import.meta.url), 'utf8'));
const vector = vectors.notion;
const raw = Buffer.from(vector.body);
const signature = vector.headers['X-Notion-Signature'] as string;

describe('Notion webhook verification (the Notion vectors)', () => {
  it('accepts the vector signature and reads the event, deduped on its id', () => {
    expect(notionSignatureMatches(raw, vector.verificationToken, signature)).toBe(true);
    expect(notionSignatureMatches(raw, vector.verificationToken, signature.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
    expect(readNotionDelivery(raw, { 'x-notion-signature': signature }, vector.verificationToken)).toEqual({ kind: 'event', id: 'evt_1', event: JSON.parse(vector.body) });
  });

  it('refuses a changed body, another token, a missing, bare-hex or short signature', () => {
    expect(notionSignatureMatches(Buffer.from(vector.body.replace('evt_1', 'evt_2')), vector.verificationToken, signature)).toBe(false);
    expect(notionSignatureMatches(raw, 'another token', signature)).toBe(false);
    expect(notionSignatureMatches(raw, vector.verificationToken, undefined)).toBe(false);
    expect(notionSignatureMatches(raw, vector.verificationToken, signature.slice('sha256='.length))).toBe(false);
    expect(notionSignatureMatches(raw, vector.verificationToken, 'sha256=abc')).toBe(false);
    expect(readNotionDelivery(raw, {}, vector.verificationToken)).toMatchObject({ kind: 'invalid', status: 401 });
  });

  it('takes an unsigned handshake only before a token is stored (or the same token again); events before it are 401', () => {
    const handshake = Buffer.from(JSON.stringify({ verification_token: vector.verificationToken }));
    expect(readNotionDelivery(handshake, {}, null)).toEqual({ kind: 'handshake', verificationToken: vector.verificationToken });
    expect(readNotionDelivery(handshake, {}, vector.verificationToken)).toEqual({ kind: 'handshake', verificationToken: vector.verificationToken });
    expect(readNotionDelivery(Buffer.from(JSON.stringify({ verification_token: 'secret_other' })), {}, vector.verificationToken)).toMatchObject({ kind: 'invalid', status: 401 });
    expect(readNotionDelivery(raw, { 'x-notion-signature': signature }, null)).toMatchObject({ kind: 'invalid', status: 401 });
    expect(readNotionDelivery(Buffer.from('{not json'), {}, null)).toMatchObject({ kind: 'invalid', status: 400 });
  });

  it('maps event types to components, filters on the parent database and shapes the payload', () => {
    expect(notionComponentFor('page.created')).toBe('notion.pageCreated');
    expect(notionComponentFor('page.content_updated')).toBe('notion.pageUpdated');
    expect(notionComponentFor('page.properties_updated')).toBe('notion.pageUpdated');
    expect(notionComponentFor('comment.created')).toBe('notion.commentCreated');
    expect(notionComponentFor('page.deleted')).toBeNull();
    const event = { id: 'e', type: 'page.created', timestamp: '2026-11-24T00:00:00.000Z', entity: { id: 'p', type: 'page' }, data: { parent: { id: '8a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', type: 'database' } } };
    expect(notionConfigMatches({}, event)).toBe(true);
    expect(notionConfigMatches({ databaseId: '8a1c2b3d4e5f4a6b8c7d9e0f1a2b3c4d' }, event)).toBe(true);
    expect(notionConfigMatches({ databaseId: '00000000-0000-4000-8000-000000000000' }, event)).toBe(false);
    expect(notionConfigMatches({ databaseId: '8a1c2b3d4e5f4a6b8c7d9e0f1a2b3c4d' }, { ...event, data: {} })).toBe(false);
    expect(notionPayload(event)).toEqual({ type: 'page.created', entity: { id: 'p', type: 'page' }, data: event.data, timestamp: event.timestamp });
  });
});
