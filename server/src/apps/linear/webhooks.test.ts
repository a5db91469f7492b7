import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { linearInbound } from './webhooks.js';

const vectors = JSON.parse(readFileSync(new URL('../../../test/fakes/webhook-vectors.json', import.meta.url), 'utf8'));
const vector = vectors.linear;
const raw = Buffer.from(vector.body);
const headers = (overrides: Record<string, string | undefined> = {}) =>
  Object.fromEntries(Object.entries({ 'linear-signature': vector.headers['Linear-Signature'], 'linear-event': 'Issue', 'linear-delivery': vector.headers['Linear-Delivery'], ...overrides }).filter(([, v]) => v !== undefined)) as Record<string, string>;

describe('Linear webhook verification (the Linear vectors)', () => {
  it('accepts the vector within 60 s of its webhookTimestamp', () => {
    expect(linearInbound.verify(raw, headers(), vector.secret, vector.clockMs.accepted)).toEqual({ ok: true, deliveryId: vector.headers['Linear-Delivery'], body: JSON.parse(vector.body) });
  });

  it('refuses a timestamp over 60 s away, a changed body, a wrong or missing signature', () => {
    expect(linearInbound.verify(raw, headers(), vector.secret, vector.clockMs.rejected)).toMatchObject({ ok: false, status: 401 });
    expect(linearInbound.verify(Buffer.from(vector.body.replace('i1', 'i2')), headers(), vector.secret, vector.clockMs.accepted)).toMatchObject({ ok: false, status: 401 });
    expect(linearInbound.verify(raw, headers(), 'another secret', vector.clockMs.accepted)).toMatchObject({ ok: false, status: 401 });
    expect(linearInbound.verify(raw, headers({ 'linear-signature': undefined }), vector.secret, vector.clockMs.accepted)).toMatchObject({ ok: false, status: 401 });
    expect(linearInbound.verify(raw, headers({ 'linear-signature': 'abc' }), vector.secret, vector.clockMs.accepted)).toMatchObject({ ok: false, status: 401 });
  });

  it('fires only the component the delivery is for, in its output shape', () => {
    const issue = { type: 'Issue', action: 'create', url: 'https://linear.app/x/issue/ENG-1', data: { id: 'i1', identifier: 'ENG-1', title: 'T', teamId: 'team', priority: 2 } };
    expect(linearInbound.payload('linear.issueCreated', issue)).toEqual({ issue: { id: 'i1', identifier: 'ENG-1', title: 'T', teamId: 'team', priority: 2, url: 'https://linear.app/x/issue/ENG-1' } });
    expect(linearInbound.payload('linear.issueUpdated', issue)).toBeNull();
    expect(linearInbound.payload('linear.commentCreated', issue)).toBeNull();
    expect(linearInbound.payload('linear.issueUpdated', { ...issue, action: 'update', updatedFrom: { title: 'Old' } })).toMatchObject({ issue: { id: 'i1' }, updatedFrom: { title: 'Old' } });
    expect(linearInbound.payload('linear.commentCreated', { type: 'Comment', action: 'create', url: 'u', data: { id: 'c1', body: 'hi', issueId: 'i1' } })).toEqual({ comment: { id: 'c1', body: 'hi', issueId: 'i1', url: 'u' } });
  });
});
