import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** The Svix vector of the shared webhook-vectors.json fixture (svix_standard_webhooks). */
const vectors = {
  svix_standard_webhooks: {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  },
};

let server: TestServer;
let counter = 0;

beforeAll(async () => {
  server = await startTestServer({ clerkWebhookSigningSecret: SECRET });
});
afterAll(() => server.close());

/** Posts `event` the way Clerk (Svix) does: svix-* headers over the exact raw body. */
function deliver(event: unknown, options: { id?: string; at?: Date; signature?: string; secret?: string; url?: string } = {}) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const id = options.id ?? `msg_clerk_${++counter}_${Date.now()}`;
  const at = options.at ?? new Date();
  const signature = options.signature ?? new Webhook(options.secret ?? SECRET).sign(id, at, body);
  return fetch(options.url ?? `${server.url}/webhooks/clerk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': signature },
    body,
  });
}

const clerkUser = (id: string, email: string, first = 'Ada', last = 'Lovelace') => ({
  id,
  object: 'user',
  first_name: first,
  last_name: last,
  primary_email_address_id: `idn_${id}`,
  email_addresses: [
    { id: `idn_other_${id}`, email_address: `other-${email}`, verification: { status: 'verified' } },
    { id: `idn_${id}`, email_address: email, verification: { status: 'verified' } },
  ],
  image_url: null,
});
const clerkOrg = (id: string, name: string, slug: string) => ({ id, object: 'organization', name, slug, created_by: null });
const membership = (id: string, org: ReturnType<typeof clerkOrg>, userId: string, email: string, role: string) => ({
  id,
  object: 'organization_membership',
  role,
  organization: org,
  public_user_data: { user_id: userId, identifier: email, first_name: 'Grace', last_name: 'Hopper', image_url: null },
});

const prisma = () => server.latchkey.services.prisma;

describe('POST /webhooks/clerk', () => {
  it('a Svix vector from the fixtures verifies with the standardwebhooks scheme under svix-* names', () => {
    const v = vectors.svix_standard_webhooks;
    const key = Buffer.from(v.secret.slice('whsec_'.length), 'base64');
    const byHand = `v1,${createHmac('sha256', key).update(`${v.id}.${v.timestamp}.${v.body}`).digest('base64')}`;
    expect(byHand).toBe(v.signature);
    expect(new Webhook(v.secret).sign(v.id, new Date(v.timestamp * 1000), v.body)).toBe(v.signature);
  });

  it('the server accepts a hand-computed Svix signature and syncs user.created (primary email, name, Clerk id)', async () => {
    const user = clerkUser('user_ada', 'ada@example.test');
    const id = 'msg_hand_1';
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'user.created', object: 'event', data: user });
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const signature = `v1,bm90LXRoaXM= v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`;
    const response = await fetch(`${server.url}/webhooks/clerk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(ts), 'svix-signature': signature },
      body,
    });
    expect(response.status).toBe(200);
    const row = await prisma().user.findUniqueOrThrow({ where: { clerkId: 'user_ada' } });
    expect(row).toMatchObject({ email: 'ada@example.test', name: 'Ada Lovelace', emailVerified: true });

    // user.updated refreshes the same row.
    expect((await deliver({ type: 'user.updated', data: clerkUser('user_ada', 'ada2@example.test', 'Ada', 'King') })).status).toBe(200);
    expect(await prisma().user.findUniqueOrThrow({ where: { clerkId: 'user_ada' } })).toMatchObject({ id: row.id, email: 'ada2@example.test', name: 'Ada King' });
  });

  it('organization + membership created → member with the mapped role; updated → role changes; deleted → gone; organization deleted → team gone', async () => {
    const org = clerkOrg('org_acme', 'Acme Inc', 'acme');
    expect((await deliver({ type: 'organization.created', data: org })).status).toBe(200);
    const team = await prisma().team.findUniqueOrThrow({ where: { clerkId: 'org_acme' } });
    expect(team).toMatchObject({ name: 'Acme Inc', slug: 'acme' });

    // The membership names a user Latchkey has not seen yet: created from public_user_data.
    expect((await deliver({ type: 'organizationMembership.created', data: membership('orgmem_1', org, 'user_grace', 'grace@example.test', 'org:admin') })).status).toBe(200);
    const grace = await prisma().user.findUniqueOrThrow({ where: { clerkId: 'user_grace' } });
    expect(grace).toMatchObject({ email: 'grace@example.test', name: 'Grace Hopper' });
    expect(await prisma().member.findUniqueOrThrow({ where: { teamId_userId: { teamId: team.id, userId: grace.id } } })).toMatchObject({ role: 'admin' });

    expect((await deliver({ type: 'organizationMembership.updated', data: membership('orgmem_1', org, 'user_grace', 'grace@example.test', 'org:member') })).status).toBe(200);
    expect(await prisma().member.findUniqueOrThrow({ where: { teamId_userId: { teamId: team.id, userId: grace.id } } })).toMatchObject({ role: 'member' });

    const audit = await prisma().auditEntry.findMany({ where: { teamId: team.id }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((entry) => entry.action)).toEqual(['team.create', 'member.add', 'member.update']);
    expect(audit.every((entry) => entry.actorId === null)).toBe(true);

    expect((await deliver({ type: 'organizationMembership.deleted', data: membership('orgmem_1', org, 'user_grace', 'grace@example.test', 'org:member') })).status).toBe(200);
    expect(await prisma().member.findMany({ where: { teamId: team.id } })).toEqual([]);

    // A second organization with the same slug gets a unique one.
    expect((await deliver({ type: 'organization.created', data: clerkOrg('org_acme2', 'Acme Again', 'acme') })).status).toBe(200);
    const second = await prisma().team.findUniqueOrThrow({ where: { clerkId: 'org_acme2' } });
    expect(second.slug).toMatch(/^acme-[0-9a-f]{8}$/);

    expect((await deliver({ type: 'organization.deleted', data: { id: 'org_acme', object: 'organization', deleted: true } })).status).toBe(200);
    expect(await prisma().team.findUnique({ where: { id: team.id } })).toBeNull();
    expect(await prisma().user.findUnique({ where: { id: grace.id } })).not.toBeNull();
  });

  it('a membership for an unknown organization creates the team; user.deleted removes the user and its memberships', async () => {
    const org = clerkOrg('org_new', 'Newco', 'newco');
    expect((await deliver({ type: 'organizationMembership.created', data: membership('orgmem_2', org, 'user_lin', 'lin@example.test', 'org:member') })).status).toBe(200);
    const team = await prisma().team.findUniqueOrThrow({ where: { clerkId: 'org_new' } });
    const lin = await prisma().user.findUniqueOrThrow({ where: { clerkId: 'user_lin' } });
    expect(await prisma().member.findMany({ where: { teamId: team.id } })).toMatchObject([{ userId: lin.id, role: 'member' }]);

    expect((await deliver({ type: 'user.deleted', data: { id: 'user_lin', object: 'user', deleted: true } })).status).toBe(200);
    expect(await prisma().user.findUnique({ where: { id: lin.id } })).toBeNull();
    expect(await prisma().member.findMany({ where: { teamId: team.id } })).toEqual([]);
  });

  it('a redelivery of the same svix-id changes nothing twice', async () => {
    const org = clerkOrg('org_dup', 'Dup', 'dup');
    await deliver({ type: 'organization.created', data: org });
    const team = await prisma().team.findUniqueOrThrow({ where: { clerkId: 'org_dup' } });
    const event = { type: 'organizationMembership.created', data: membership('orgmem_3', org, 'user_dup', 'dup@example.test', 'org:admin') };
    const first = await deliver(event, { id: 'msg_dup' });
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    // Someone changes the role in Latchkey; the redelivered creation must not put it back.
    await prisma().member.updateMany({ where: { teamId: team.id }, data: { role: 'member' } });
    const again = await deliver(event, { id: 'msg_dup' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(await prisma().member.findMany({ where: { teamId: team.id } })).toMatchObject([{ role: 'member' }]);
    expect(await prisma().auditEntry.count({ where: { teamId: team.id, action: 'member.add' } })).toBe(1);
  });

  it('an owner stays owner when Clerk says org:admin, and org:member demotes', async () => {
    const org = clerkOrg('org_owned', 'Owned', 'owned');
    await deliver({ type: 'organizationMembership.created', data: membership('orgmem_4', org, 'user_owner', 'owner@example.test', 'org:admin') });
    const team = await prisma().team.findUniqueOrThrow({ where: { clerkId: 'org_owned' } });
    await prisma().member.updateMany({ where: { teamId: team.id }, data: { role: 'owner' } });
    await deliver({ type: 'organizationMembership.updated', data: membership('orgmem_4', org, 'user_owner', 'owner@example.test', 'org:admin') });
    expect(await prisma().member.findMany({ where: { teamId: team.id } })).toMatchObject([{ role: 'owner' }]);
    await deliver({ type: 'organizationMembership.updated', data: membership('orgmem_4', org, 'user_owner', 'owner@example.test', 'org:member') });
    expect(await prisma().member.findMany({ where: { teamId: team.id } })).toMatchObject([{ role: 'member' }]);
  });

  it('answers 401 for a bad, missing or stale signature, 400 for a malformed body, 413 over 1 MiB, 2xx for unknown types; nothing changes', async () => {
    const event = { type: 'organization.created', data: clerkOrg('org_bad', 'Bad', 'bad') };
    expect((await deliver(event, { secret: 'whsec_' + Buffer.alloc(24, 7).toString('base64') })).status).toBe(401);
    expect((await deliver(event, { signature: 'v1,AAAA' })).status).toBe(401);
    expect((await deliver(event, { at: new Date(Date.now() - 6 * 60_000) })).status).toBe(401);
    const unsigned = await fetch(`${server.url}/webhooks/clerk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    expect(unsigned.status).toBe(401);
    expect(await prisma().team.findUnique({ where: { clerkId: 'org_bad' } })).toBeNull();

    expect((await deliver('not json')).status).toBe(400);
    expect((await deliver({ type: 'user.created' })).status).toBe(400);
    expect((await deliver({ type: 'user.created', data: { id: 'user_noemail', email_addresses: [] } })).status).toBe(400);
    expect(await prisma().user.findUnique({ where: { clerkId: 'user_noemail' } })).toBeNull();

    expect((await deliver({ type: 'x', data: { pad: 'a'.repeat(1024 * 1024) } }).catch(() => ({ status: 413 }))).status).toBe(413);

    const before = await prisma().team.count();
    expect((await deliver({ type: 'session.created', data: { id: 'sess_1' } })).status).toBe(200);
    expect(await prisma().team.count()).toBe(before);
  });

  it('without CLERK_WEBHOOK_SIGNING_SECRET the endpoint answers 404', async () => {
    const plain = await startTestServer();
    try {
      const response = await deliver({ type: 'user.created', data: clerkUser('user_x', 'x@example.test') }, { url: `${plain.url}/webhooks/clerk` });
      expect(response.status).toBe(404);
      expect(await plain.latchkey.services.prisma.user.findUnique({ where: { clerkId: 'user_x' } })).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
