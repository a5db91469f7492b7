import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpInbound, newSigningSecret } from './inbound.js';

const vectors = JSON.parse(readFileSync(new URL('../../../test/fakes/webhook-vectors.json', import.meta.url), 'utf8'));
const svix = vectors.svix_standard_webhooks;
const headers = (signature: string, timestamp = String(svix.timestamp)) => ({ 'webhook-id': svix.id, 'webhook-timestamp': timestamp, 'webhook-signature': signature });
const raw = Buffer.from(svix.body);

afterEach(() => vi.useRealTimers());

describe('Standard Webhooks verification (the Svix / Standard Webhooks vectors)', () => {
  it('accepts the vector within 5 minutes of its timestamp, with the delivery id and the parsed body', () => {
    vi.useFakeTimers({ now: (svix.timestamp + 299) * 1000 });
    expect(httpInbound.verify(raw, headers(svix.signature), svix.secret, Date.now())).toEqual({ ok: true, deliveryId: svix.id, body: { test: 2432232314 } });
    // Several space-separated signatures: one valid is enough.
    expect(httpInbound.verify(raw, headers(`v1,AAAA ${svix.signature}`), svix.secret, Date.now())).toMatchObject({ ok: true });
  });

  it('refuses a changed body, a wrong signature, a missing header, and a timestamp over 5 minutes away', () => {
    vi.useFakeTimers({ now: svix.timestamp * 1000 });
    expect(httpInbound.verify(Buffer.from(svix.body.replace('2432', '2433')), headers(svix.signature), svix.secret, Date.now())).toMatchObject({ ok: false, status: 401 });
    expect(httpInbound.verify(raw, headers('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA='), svix.secret, Date.now())).toMatchObject({ ok: false, status: 401 });
    expect(httpInbound.verify(raw, { 'webhook-id': svix.id, 'webhook-timestamp': String(svix.timestamp) }, svix.secret, Date.now())).toMatchObject({ ok: false, status: 401 });
    vi.setSystemTime((svix.timestamp + 301) * 1000);
    expect(httpInbound.verify(raw, headers(svix.signature), svix.secret, Date.now())).toMatchObject({ ok: false, status: 401 });
  });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(secret);
  });
});
