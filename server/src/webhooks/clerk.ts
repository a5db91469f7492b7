import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { Context, Services } from '../access/context.js';
import { audit } from '../audit/service.js';
import type { Prisma } from '../db/client.js';
import { headerOf, parseJson, readDelivery, send } from './delivery.js';

type Tx = Prisma.TransactionClient;
type Json = Record<string, unknown>;

/** A payload that does not carry what its event type needs: 400, nothing changes. */
class MalformedEvent extends Error {}

/** Clerk syncs are the server's own doing: no actor, no client address. */
const SYSTEM = { clientIp: null } as Context;

const newId = () => randomBytes(16).toString('hex');

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function requireId(data: Json, what: string): string {
  const id = str(data.id);
  if (!id) throw new MalformedEvent(`The ${what} has no id.`);
  return id;
}

function slugBase(value: string): string {
  const base = value
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return base || 'team';
}

/** Clerk's slug (or the name) made unique among teams, keeping the team's own slug when it still fits. */
async function uniqueSlug(tx: Tx, wanted: string, teamId: string | null): Promise<string> {
  const base = slugBase(wanted);
  const taken = await tx.team.findFirst({ where: { slug: base, ...(teamId ? { NOT: { id: teamId } } : {}) }, select: { id: true } });
  if (!taken) return base;
  if (teamId) {
    const own = await tx.team.findUnique({ where: { id: teamId }, select: { slug: true } });
    if (own && own.slug.startsWith(`${base}-`)) return own.slug;
  }
  return `${base}-${randomBytes(4).toString('hex')}`;
}

/** Clerk role → Latchkey role (stored lower case). */
export function roleFromClerk(role: unknown): 'admin' | 'member' {
  const name = typeof role === 'string' ? role.replace(/^org:/, '') : '';
  return name === 'admin' ? 'admin' : 'member';
}

interface UserFacts {
  clerkId: string;
  email: string | null;
  name: string | null;
  image: string | null;
  emailVerified: boolean;
}

function userFromUserPayload(data: Json): UserFacts {
  const clerkId = requireId(data, 'user');
  const addresses = Array.isArray(data.email_addresses) ? data.email_addresses.filter(isObject) : [];
  const primary = addresses.find((address) => address.id === data.primary_email_address_id) ?? addresses[0];
  const email = primary ? str(primary.email_address) : null;
  const verification = primary && isObject(primary.verification) ? primary.verification : null;
  const name = [str(data.first_name), str(data.last_name)].filter(Boolean).join(' ') || str(data.username);
  return { clerkId, email: email?.toLowerCase() ?? null, name, image: str(data.image_url), emailVerified: verification?.status === 'verified' };
}

function userFromPublicData(data: Json): UserFacts {
  const clerkId = str(data.user_id);
  if (!clerkId) throw new MalformedEvent('The membership has no public_user_data.user_id.');
  const name = [str(data.first_name), str(data.last_name)].filter(Boolean).join(' ') || null;
  const identifier = str(data.identifier);
  return { clerkId, email: identifier?.includes('@') ? identifier.toLowerCase() : null, name, image: str(data.image_url), emailVerified: false };
}

/**
 * The Latchkey user for a Clerk user: found by clerkId, else the existing user with that email is
 * linked, else one is created. `update` refreshes name, email and image from the payload.
 */
async function upsertUser(tx: Tx, facts: UserFacts, update: boolean): Promise<string | null> {
  const existing = await tx.user.findUnique({ where: { clerkId: facts.clerkId }, select: { id: true, email: true } });
  if (existing) {
    if (update) {
      const emailFree = facts.email && facts.email !== existing.email ? !(await tx.user.findUnique({ where: { email: facts.email }, select: { id: true } })) : false;
      await tx.user.update({
        where: { id: existing.id },
        data: {
          ...(facts.name ? { name: facts.name } : {}),
          ...(emailFree && facts.email ? { email: facts.email, emailVerified: facts.emailVerified } : {}),
          ...(facts.image !== null ? { image: facts.image } : {}),
        },
      });
    }
    return existing.id;
  }
  if (!facts.email) {
    if (update) throw new MalformedEvent('The user has no email address.');
    return null;
  }
  const byEmail = await tx.user.findUnique({ where: { email: facts.email }, select: { id: true, clerkId: true } });
  if (byEmail) {
    if (byEmail.clerkId) return null; // already another Clerk user's address: leave both alone
    await tx.user.update({ where: { id: byEmail.id }, data: { clerkId: facts.clerkId, ...(update && facts.name ? { name: facts.name } : {}) } });
    return byEmail.id;
  }
  const created = await tx.user.create({
    data: { id: newId(), clerkId: facts.clerkId, email: facts.email, name: facts.name ?? facts.email, image: facts.image, emailVerified: facts.emailVerified },
  });
  return created.id;
}

/** The team for a Clerk organization, created (or refreshed when `update`) from the payload. */
async function upsertTeam(tx: Tx, org: Json, update: boolean): Promise<string> {
  const clerkId = requireId(org, 'organization');
  const name = str(org.name)?.slice(0, 80) ?? null;
  const existing = await tx.team.findUnique({ where: { clerkId }, select: { id: true, name: true, slug: true } });
  if (existing) {
    if (!update) return existing.id;
    const slug = await uniqueSlug(tx, str(org.slug) ?? name ?? existing.name, existing.id);
    const data = { ...(name ? { name } : {}), slug };
    if ((name && name !== existing.name) || slug !== existing.slug) {
      await tx.team.update({ where: { id: existing.id }, data });
      await audit(tx, SYSTEM, null, { teamId: existing.id, action: 'team.update', targetType: 'team', targetId: existing.id, details: { source: 'clerk', clerkId, ...data } });
    }
    return existing.id;
  }
  if (!name) throw new MalformedEvent('The organization has no name.');
  const slug = await uniqueSlug(tx, str(org.slug) ?? name, null);
  const team = await tx.team.create({ data: { id: newId(), clerkId, name, slug } });
  await audit(tx, SYSTEM, null, { teamId: team.id, action: 'team.create', targetType: 'team', targetId: team.id, details: { source: 'clerk', clerkId, name, slug } });
  return team.id;
}

async function applyMembership(tx: Tx, type: string, data: Json): Promise<void> {
  const org = isObject(data.organization) ? data.organization : null;
  const publicUser = isObject(data.public_user_data) ? data.public_user_data : null;
  if (!org || !publicUser) throw new MalformedEvent('The membership has no organization or public_user_data.');

  if (type === 'organizationMembership.deleted') {
    const team = await tx.team.findUnique({ where: { clerkId: requireId(org, 'organization') }, select: { id: true } });
    const userClerkId = str(publicUser.user_id);
    if (!team || !userClerkId) return;
    const user = await tx.user.findUnique({ where: { clerkId: userClerkId }, select: { id: true } });
    if (!user) return;
    const removed = await tx.member.deleteMany({ where: { teamId: team.id, userId: user.id } });
    if (removed.count > 0) {
      await audit(tx, SYSTEM, null, { teamId: team.id, action: 'member.remove', targetType: 'member', targetId: user.id, details: { source: 'clerk', userId: user.id } });
    }
    return;
  }

  const teamId = await upsertTeam(tx, org, false);
  const userId = await upsertUser(tx, userFromPublicData(publicUser), false);
  if (!userId) throw new MalformedEvent('The membership names a user without an email address Latchkey can use.');
  const role = roleFromClerk(data.role);
  const current = await tx.member.findUnique({ where: { teamId_userId: { teamId, userId } }, select: { id: true, role: true } });
  if (!current) {
    await tx.member.create({ data: { id: newId(), teamId, userId, role } });
    await audit(tx, SYSTEM, null, { teamId, action: 'member.add', targetType: 'member', targetId: userId, details: { source: 'clerk', userId, role } });
  } else if (current.role !== role && !(current.role === 'owner' && role === 'admin')) {
    // An owner stays owner while Clerk calls them an admin; org:member demotes.
    await tx.member.update({ where: { id: current.id }, data: { role } });
    await audit(tx, SYSTEM, null, { teamId, action: 'member.update', targetType: 'member', targetId: userId, details: { source: 'clerk', userId, from: current.role, role } });
  }
}

/** Applies one Clerk event inside the delivery's transaction; unknown types change nothing. */
async function applyEvent(tx: Tx, type: string, data: Json): Promise<void> {
  switch (type) {
    case 'user.created':
    case 'user.updated':
      await upsertUser(tx, userFromUserPayload(data), true);
      return;
    case 'user.deleted':
      await tx.user.deleteMany({ where: { clerkId: requireId(data, 'user') } });
      return;
    case 'organization.created':
    case 'organization.updated':
      await upsertTeam(tx, data, true);
      return;
    case 'organization.deleted':
      // The team's audit log goes with it.
      await tx.team.deleteMany({ where: { clerkId: requireId(data, 'organization') } });
      return;
    case 'organizationMembership.created':
    case 'organizationMembership.updated':
    case 'organizationMembership.deleted':
      await applyMembership(tx, type, data);
      return;
    default:
      return;
  }
}

/**
 * `POST /webhooks/clerk` (only with CLERK_WEBHOOK_SIGNING_SECRET): Svix-signed (svix-id,
 * svix-timestamp within 5 minutes, svix-signature), deduped on svix-id, and applied in the same
 * transaction that records the delivery, so 2xx means the change is committed.
 */
export async function handleClerk(services: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { prisma, config, log } = services;
  const secret = config.clerkWebhookSigningSecret;
  if (!secret) return send(res, 404, { error: 'Unknown webhook target.' });
  const raw = await readDelivery(req, res);
  if (!raw) return;

  const id = headerOf(req.headers, 'svix-id');
  const timestamp = headerOf(req.headers, 'svix-timestamp');
  const signature = headerOf(req.headers, 'svix-signature');
  if (!id || !timestamp || !signature) return send(res, 401, { error: 'Missing svix-id, svix-timestamp or svix-signature.' });
  try {
    new Webhook(secret).verify(raw, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature }, { jsonParse: false });
  } catch (error) {
    if (error instanceof WebhookVerificationError) return send(res, 401, { error: 'The signature or its timestamp is not valid.' });
    throw error;
  }

  const parsed = parseJson(raw);
  if (!parsed.ok || !isObject(parsed.body)) return send(res, 400, { error: 'The body is not a JSON object.' });
  const { type, data } = parsed.body;
  if (typeof type !== 'string' || !isObject(data)) return send(res, 400, { error: 'The event has no type or data.' });

  try {
    const applied = await prisma.$transaction(async (tx) => {
      const recorded = await tx.clerkDelivery.createMany({ data: [{ id, type }], skipDuplicates: true });
      if (recorded.count === 0) return false;
      await applyEvent(tx, type, data);
      return true;
    });
    log.info({ svixId: id, type, duplicate: !applied }, 'clerk webhook');
    send(res, 200, { received: true, duplicate: !applied });
  } catch (error) {
    if (error instanceof MalformedEvent) return send(res, 400, { error: error.message });
    throw error;
  }
}
