import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, getNamedType, isObjectType, type GraphQLNamedType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe, subscribers } from './subscriptions.js';
import { addMember, ALL_RECORDS, createKey, createTeam, RUN_ACTION, startTestServer, withKey, type TestKey, type TestServer, type TestUser } from './harness.js';

let server: TestServer;
let owner: TestUser;
let admin: TestUser;
let member: TestUser;
let outsider: TestUser;
let teamId: string;
let otherTeamId: string;

beforeAll(async () => {
  server = await startTestServer();
  [owner, admin, member, outsider] = await Promise.all([server.signUp(), server.signUp(), server.signUp(), server.signUp()]);
  teamId = await createTeam(server, owner, 'Console');
  await addMember(server, teamId, admin, 'ADMIN');
  await addMember(server, teamId, member, 'MEMBER');
  otherTeamId = await createTeam(server, outsider, 'Elsewhere');
});
afterAll(() => server.close());

const as = (user: TestUser) => (query: string, variables: Record<string, unknown> = {}) => server.graphql(query, variables, { cookie: user.cookie });
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

const run = (key: TestKey, component: string, input: Record<string, unknown>) => withKey(server, key.secret)(RUN_ACTION, { component, input });

describe('ApiKey.usage', () => {
  const USAGE = 'query ($id: ID!, $days: Int) { team(id: $id) { apiKeys { id usage(days: $days) { day runs failed } } } }';

  it('counts runs and failures per UTC day, oldest first, with empty days as zero', async () => {
    const busy = await createKey(server, admin, teamId, { name: 'busy' });
    const idle = await createKey(server, admin, teamId, { name: 'idle' });
    await run(busy, 'records.create', { collection: 'usage', data: {} });
    await run(busy, 'records.create', { collection: 'usage', data: {} });
    // A missing record fails the run.
    const failed = await run(busy, 'records.get', { collection: 'usage', id: 'missing' });
    expect(failed.data?.runAction.status).toBe('FAILED');
    // Two days ago, and one run just outside a 3-day window.
    const { prisma } = server.latchkey.services;
    const earlier = (days: number) => ({ teamId, apiKeyId: busy.id, component: 'records.create', status: 'SUCCEEDED' as const, inputHash: 'x', durationMs: 1, startedAt: new Date(Date.now() - days * 86_400_000) });
    await prisma.actionRun.createMany({ data: [earlier(2), earlier(3)] });

    const result = await as(member)(USAGE, { id: teamId, days: 3 });
    expect(result.errors).toBeUndefined();
    const byId = new Map(result.data!.team.apiKeys.map((key: { id: string; usage: unknown }) => [key.id, key.usage]));
    expect(byId.get(busy.id)).toEqual([
      { day: utcDay(-2), runs: 1, failed: 0 },
      { day: utcDay(-1), runs: 0, failed: 0 },
      { day: utcDay(0), runs: 3, failed: 1 },
    ]);
    expect(byId.get(idle.id)).toEqual([utcDay(-2), utcDay(-1), utcDay(0)].map((day) => ({ day, runs: 0, failed: 0 })));

    const fortnight = await as(admin)('query ($id: ID!, $key: ID!) { team(id: $id) { apiKey(id: $key) { usage { day runs } } } }', { id: teamId, key: busy.id });
    const usage = fortnight.data!.team.apiKey.usage as { day: string; runs: number }[];
    expect(usage).toHaveLength(14);
    expect(usage.at(-1)).toEqual({ day: utcDay(0), runs: 3 });
    expect(usage.at(-4)).toEqual({ day: utcDay(-3), runs: 1 });
  });

  it('clamps days to 1..90', async () => {
    const few = await as(admin)(USAGE, { id: teamId, days: 0 });
    const many = await as(admin)(USAGE, { id: teamId, days: 1000 });
    expect(few.data!.team.apiKeys[0].usage).toHaveLength(1);
    expect(many.data!.team.apiKeys[0].usage).toHaveLength(90);
  });

  it('answers a list of keys with one usage query, whatever the number of keys', async () => {
    for (let index = 0; index < 3; index++) await createKey(server, admin, teamId, { name: `extra ${index}` });
    const { prisma } = server.latchkey.services;
    const original = prisma.$queryRaw.bind(prisma);
    let usageQueries = 0;
    prisma.$queryRaw = ((query: TemplateStringsArray, ...values: unknown[]) => {
      if (query.join('').includes('"action_run"')) usageQueries++;
      return original(query, ...values);
    }) as typeof prisma.$queryRaw;
    try {
      const result = await as(admin)(USAGE, { id: teamId, days: 7 });
      expect(result.data!.team.apiKeys.length).toBeGreaterThanOrEqual(5);
      expect(usageQueries).toBe(1);
    } finally {
      prisma.$queryRaw = original;
    }
  });

  it("answers NOT_FOUND for another team's keys", async () => {
    const result = await as(outsider)(USAGE, { id: teamId, days: 3 });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(result.data?.team).toBeNull();
  });
});

const RECORD_TRIGGERS = ['records.created', 'records.updated', 'records.deleted'];
const REGISTER = 'mutation ($component: String!, $config: JSON) { registerTrigger(component: $component, config: $config) { trigger { id } } }';
const eventKey = (onTeam = teamId, by: TestUser = admin) => createKey(server, by, onTeam, { apps: [{ app: 'records', components: [...ALL_RECORDS, ...RECORD_TRIGGERS] }] });
async function register(key: TestKey, component: string, collection: string): Promise<string> {
  const result = await withKey(server, key.secret)(REGISTER, { component, config: { collection } });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.registerTrigger.trigger.id;
}

describe('Team.triggerEvents', () => {
  const PAGE = `query ($id: ID!, $first: Int, $before: String, $triggerId: ID, $component: String) {
    team(id: $id) { triggerEvents(first: $first, before: $before, triggerId: $triggerId, component: $component) { events { id cursor triggerId component payload } endCursor hasMore } }
  }`;
  let created: string;
  let updated: string;

  beforeAll(async () => {
    const key = await eventKey();
    created = await register(key, 'records.created', 'log');
    updated = await register(key, 'records.updated', 'log');
    for (let n = 1; n <= 5; n++) {
      const record = await run(key, 'records.create', { collection: 'log', data: { n } });
      if (n % 2 === 0) await run(key, 'records.update', { collection: 'log', id: record.data!.runAction.output.id, data: { n: n * 10 } });
    }
  });

  it('pages the whole team log newest first, backwards by cursor, for a MEMBER too', async () => {
    const seen: { component: string; payload: { record: { data: { n: number } } } }[] = [];
    let before: string | null = null;
    let pages = 0;
    for (;;) {
      const result = await as(member)(PAGE, { id: teamId, first: 3, before });
      expect(result.errors).toBeUndefined();
      const page = result.data!.team.triggerEvents;
      seen.push(...page.events);
      pages++;
      if (!page.hasMore) break;
      before = page.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen.map((event) => [event.component, event.payload.record.data.n])).toEqual([
      ['records.created', 5],
      ['records.updated', 40],
      ['records.created', 4],
      ['records.created', 3],
      ['records.updated', 20],
      ['records.created', 2],
      ['records.created', 1],
    ]);
  });

  it('filters by trigger and by component', async () => {
    const byTrigger = await as(member)(PAGE, { id: teamId, triggerId: updated });
    expect(byTrigger.data!.team.triggerEvents.events.map((event: { triggerId: string }) => event.triggerId)).toEqual([updated, updated]);
    const byComponent = await as(member)(PAGE, { id: teamId, component: 'records.created' });
    expect(byComponent.data!.team.triggerEvents.events).toHaveLength(5);
    const both = await as(member)(PAGE, { id: teamId, component: 'records.updated', triggerId: created });
    expect(both.data!.team.triggerEvents).toMatchObject({ events: [], hasMore: false });
  });

  it("answers NOT_FOUND for another team's trigger or team, and BAD_USER_INPUT for a bad cursor", async () => {
    const theirs = await register(await eventKey(otherTeamId, outsider), 'records.created', 'log');
    const foreignTrigger = await as(admin)(PAGE, { id: teamId, triggerId: theirs });
    expect(foreignTrigger.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const foreignTeam = await as(admin)(PAGE, { id: otherTeamId });
    expect(foreignTeam.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const badCursor = await as(admin)(PAGE, { id: teamId, before: 'not a cursor' });
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['before'] }] });
  });
});

describe('teamEvents subscription', () => {
  const LIVE = 'subscription ($teamId: ID!, $after: String) { teamEvents(teamId: $teamId, after: $after) { id cursor component payload } }';
  const newest = async (count: number) =>
    (await as(admin)('query ($id: ID!, $first: Int) { team(id: $id) { triggerEvents(first: $first) { events { id cursor } } } }', { id: teamId, first: count })).data!.team.triggerEvents.events as { id: string; cursor: string }[];

  it('replays the events after the cursor in order, then continues live, without a duplicate', async () => {
    const key = await eventKey();
    await register(key, 'records.created', 'replay');
    for (let n = 1; n <= 4; n++) await run(key, 'records.create', { collection: 'replay', data: { n } });
    const [fourth, third, second, first] = await newest(4);
    const subscription = subscribe<{ id: string; payload: { record: { data: { n: number } } } }>(server, null, LIVE, { teamId, after: second!.cursor }, { cookie: member.cookie });
    try {
      await subscription.until(() => subscription.items.length === 2);
      expect(subscription.items.map((event) => event.id)).toEqual([third!.id, fourth!.id]);
      await run(key, 'records.create', { collection: 'replay', data: { n: 5 } });
      await subscription.until(() => subscription.items.length === 3);
      expect(subscription.items.map((event) => event.payload.record.data.n)).toEqual([3, 4, 5]);
      expect(subscription.items.map((event) => event.id)).not.toContain(first!.id);
      expect(subscription.errors).toEqual([]);
    } finally {
      await subscription.close();
    }
    await subscribers(server, 0);
  });

  it('from eventsStartCursor, replays an event stored after an empty history was read', async () => {
    const quietTeam = await createTeam(server, admin, 'Quiet');
    const key = await eventKey(quietTeam);
    await register(key, 'records.created', 'quiet');
    const history = await as(admin)('query ($id: ID!) { team(id: $id) { eventsStartCursor triggerEvents(first: 50) { events { id } } } }', { id: quietTeam });
    expect(history.data!.team.triggerEvents.events).toEqual([]);
    // Stored between reading the (empty) history and subscribing.
    await run(key, 'records.create', { collection: 'quiet', data: { n: 1 } });
    const subscription = subscribe<{ component: string }>(server, null, LIVE, { teamId: quietTeam, after: history.data!.team.eventsStartCursor }, { cookie: admin.cookie });
    try {
      await subscription.until(() => subscription.items.length === 1);
      expect(subscription.items[0]).toMatchObject({ component: 'records.created' });
    } finally {
      await subscription.close();
    }
    await subscribers(server, 0);
  });

  it('ends with FORBIDDEN, before the next event, once the viewer is removed from the team', async () => {
    const leaver = await server.signUp();
    await addMember(server, teamId, leaver, 'MEMBER');
    const key = await eventKey();
    await register(key, 'records.created', 'removal');
    const subscription = subscribe(server, null, LIVE, { teamId }, { cookie: leaver.cookie });
    await subscribers(server, 1);
    await run(key, 'records.create', { collection: 'removal', data: { n: 1 } });
    await subscription.until(() => subscription.items.length === 1);
    await server.latchkey.services.prisma.member.deleteMany({ where: { teamId, user: { email: leaver.email } } });
    await run(key, 'records.create', { collection: 'removal', data: { n: 2 } });
    await subscription.until(() => subscription.completed());
    expect(subscription.items).toHaveLength(1);
    expect(subscription.errors[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    await subscribers(server, 0);
  });

  it('ends with UNAUTHENTICATED, before the next event, once the session is signed out', async () => {
    const viewer = await server.signUp();
    await addMember(server, teamId, viewer, 'MEMBER');
    const key = await eventKey();
    await register(key, 'records.created', 'signout');
    const subscription = subscribe(server, null, LIVE, { teamId }, { cookie: viewer.cookie });
    await subscribers(server, 1);
    const signedOut = await fetch(`${server.url}/api/auth/sign-out`, { method: 'POST', headers: { cookie: viewer.cookie, origin: server.url, 'content-type': 'application/json' }, body: '{}' });
    expect(signedOut.ok).toBe(true);
    await run(key, 'records.create', { collection: 'signout', data: {} });
    await subscription.until(() => subscription.completed());
    expect(subscription.items).toHaveLength(0);
    expect(subscription.errors[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    await subscribers(server, 0);
  });

  it("refuses another team's id with NOT_FOUND and a bad cursor with BAD_USER_INPUT", async () => {
    const foreign = subscribe(server, null, LIVE, { teamId: otherTeamId }, { cookie: member.cookie });
    await foreign.until(() => foreign.completed());
    expect(foreign.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    const bad = subscribe(server, null, LIVE, { teamId, after: '!!' }, { cookie: member.cookie });
    await bad.until(() => bad.completed());
    expect(bad.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('member management', () => {
  const MEMBERS = 'query ($id: ID!) { team(id: $id) { members { id role user { email } } } }';
  const UPDATE = 'mutation ($teamId: ID!, $memberId: ID!, $role: TeamRole!) { updateMemberRole(teamId: $teamId, memberId: $memberId, role: $role) { id role user { email } } }';
  const REMOVE = 'mutation ($teamId: ID!, $memberId: ID!) { removeMember(teamId: $teamId, memberId: $memberId) }';
  const INVITE = 'mutation ($teamId: ID!, $email: String!) { inviteMember(teamId: $teamId, email: $email) { id } }';
  const CANCEL = 'mutation ($id: ID!) { cancelInvitation(id: $id) }';

  let pool: TestUser[];
  beforeAll(async () => {
    pool = await Promise.all([server.signUp(), server.signUp(), server.signUp()]);
  });

  /** A fresh team: an owner, an admin and a member, with their member ids. */
  async function crew([boss, deputy, staff]: TestUser[] = pool) {
    const id = await createTeam(server, boss!, 'Crew');
    await addMember(server, id, deputy!, 'ADMIN');
    await addMember(server, id, staff!, 'MEMBER');
    const members = (await as(boss!)(MEMBERS, { id })).data!.team.members as { id: string; user: { email: string } }[];
    const idOf = (user: TestUser) => members.find((m) => m.user.email === user.email)!.id;
    return { id, boss: boss!, deputy: deputy!, staff: staff!, ownerId: idOf(boss!), adminId: idOf(deputy!), memberId: idOf(staff!) };
  }
  const roles = async (team: { id: string; boss: TestUser }) =>
    Object.fromEntries(((await as(team.boss)(MEMBERS, { id: team.id })).data?.team.members ?? []).map((m: { role: string; user: { email: string } }) => [m.user.email, m.role]));
  const auditActions = async (teamId: string) => (await server.latchkey.services.prisma.auditEntry.findMany({ where: { teamId }, orderBy: { createdAt: 'asc' } })).map((entry) => [entry.action, entry.actorEmail, entry.targetId, entry.details]);

  it('lets an ADMIN switch MEMBER and ADMIN, audited, but not grant or touch OWNER', async () => {
    const team = await crew();
    const promoted = await as(team.deputy)(UPDATE, { teamId: team.id, memberId: team.memberId, role: 'ADMIN' });
    expect(promoted.data?.updateMemberRole).toEqual({ id: team.memberId, role: 'ADMIN', user: { email: team.staff.email } });
    const back = await as(team.deputy)(UPDATE, { teamId: team.id, memberId: team.memberId, role: 'MEMBER' });
    expect(back.data?.updateMemberRole.role).toBe('MEMBER');
    const toOwner = await as(team.deputy)(UPDATE, { teamId: team.id, memberId: team.memberId, role: 'OWNER' });
    expect(toOwner.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED', requiredRole: 'OWNER' });
    const demoteOwner = await as(team.deputy)(UPDATE, { teamId: team.id, memberId: team.ownerId, role: 'MEMBER' });
    expect(demoteOwner.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRole: 'OWNER' });
    expect(await roles(team)).toEqual({ [team.boss.email]: 'OWNER', [team.deputy.email]: 'ADMIN', [team.staff.email]: 'MEMBER' });
    expect(await auditActions(team.id)).toEqual([
      ['member.updateRole', team.deputy.email, team.memberId, { email: team.staff.email, from: 'MEMBER', to: 'ADMIN' }],
      ['member.updateRole', team.deputy.email, team.memberId, { email: team.staff.email, from: 'ADMIN', to: 'MEMBER' }],
    ]);
  });

  it('lets an OWNER hand over ownership, and never demotes or removes the last OWNER', async () => {
    const team = await crew();
    const alone = await as(team.boss)(UPDATE, { teamId: team.id, memberId: team.ownerId, role: 'ADMIN' });
    expect(alone.status).toBe(400);
    expect(alone.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['role'] }] });
    expect(alone.errors?.[0]?.message).toMatch(/last OWNER/);
    const leave = await as(team.boss)(REMOVE, { teamId: team.id, memberId: team.ownerId });
    expect(leave.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    expect((await as(team.boss)(UPDATE, { teamId: team.id, memberId: team.adminId, role: 'OWNER' })).data?.updateMemberRole.role).toBe('OWNER');
    // Two owners now: the first may step down, and the new one may then not.
    expect((await as(team.boss)(UPDATE, { teamId: team.id, memberId: team.ownerId, role: 'MEMBER' })).data?.updateMemberRole.role).toBe('MEMBER');
    const last = await as(team.deputy)(UPDATE, { teamId: team.id, memberId: team.adminId, role: 'ADMIN' });
    expect(last.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await roles({ id: team.id, boss: team.deputy })).toEqual({ [team.boss.email]: 'MEMBER', [team.deputy.email]: 'OWNER', [team.staff.email]: 'MEMBER' });
  });

  it('keeps one OWNER when two owners demote each other at the same time', async () => {
    const team = await crew();
    await as(team.boss)(UPDATE, { teamId: team.id, memberId: team.adminId, role: 'OWNER' });
    const results = await Promise.all([
      as(team.boss)(UPDATE, { teamId: team.id, memberId: team.adminId, role: 'MEMBER' }),
      as(team.deputy)(UPDATE, { teamId: team.id, memberId: team.ownerId, role: 'MEMBER' }),
    ]);
    expect(results.filter((result) => result.errors === undefined)).toHaveLength(1);
    expect(Object.values(await roles({ id: team.id, boss: results[0]!.errors ? team.deputy : team.boss })).filter((role) => role === 'OWNER')).toHaveLength(1);
  });

  it('lets an ADMIN remove MEMBERs and ADMINs, anyone leave, and refuses a MEMBER removing others', async () => {
    const team = await crew();
    const byMember = await as(team.staff)(REMOVE, { teamId: team.id, memberId: team.adminId });
    expect(byMember.status).toBe(403);
    expect(byMember.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED', requiredRole: 'ADMIN' });
    const ownerByAdmin = await as(team.deputy)(REMOVE, { teamId: team.id, memberId: team.ownerId });
    expect(ownerByAdmin.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRole: 'OWNER' });
    const left = await as(team.staff)(REMOVE, { teamId: team.id, memberId: team.memberId });
    expect(left.data?.removeMember).toBe(team.memberId);
    expect((await as(team.staff)(MEMBERS, { id: team.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const removed = await as(team.boss)(REMOVE, { teamId: team.id, memberId: team.adminId });
    expect(removed.data?.removeMember).toBe(team.adminId);
    expect(await roles(team)).toEqual({ [team.boss.email]: 'OWNER' });
    expect((await auditActions(team.id)).map(([action, actor, target, details]) => [action, actor, target, (details as { left: boolean }).left])).toEqual([
      ['member.remove', team.staff.email, team.memberId, true],
      ['member.remove', team.boss.email, team.adminId, false],
    ]);
  });

  it("answers NOT_FOUND for another team's members, teams and invitations, and FORBIDDEN to a MEMBER", async () => {
    const team = await crew();
    const other = await crew([outsider, admin, member]);
    // A member id of another team, named under this team.
    expect((await as(team.boss)(UPDATE, { teamId: team.id, memberId: other.memberId, role: 'ADMIN' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await as(team.boss)(REMOVE, { teamId: team.id, memberId: other.memberId })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Another team's id.
    expect((await as(team.boss)(UPDATE, { teamId: other.id, memberId: other.memberId, role: 'ADMIN' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await as(team.boss)(REMOVE, { teamId: other.id, memberId: other.memberId })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const invitation = (await as(other.boss)(INVITE, { teamId: other.id, email: 'guest@example.test' })).data!.inviteMember.id;
    expect((await as(team.boss)(CANCEL, { id: invitation })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await as(team.boss)(CANCEL, { id: 'no-such-invitation' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const byMember = await as(team.staff)(UPDATE, { teamId: team.id, memberId: team.memberId, role: 'ADMIN' });
    expect(byMember.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    const mine = (await as(team.boss)(INVITE, { teamId: team.id, email: 'guest@example.test' })).data!.inviteMember.id;
    expect((await as(team.staff)(CANCEL, { id: mine })).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    expect(await roles(team)).toEqual({ [team.boss.email]: 'OWNER', [team.deputy.email]: 'ADMIN', [team.staff.email]: 'MEMBER' });
  });

  it('cancels a pending invitation, audited, so it can no longer be accepted', async () => {
    const team = await crew();
    const guest = await server.signUp();
    const invitation = (await as(team.deputy)(INVITE, { teamId: team.id, email: guest.email })).data!.inviteMember.id;
    expect((await as(team.deputy)(CANCEL, { id: invitation })).data?.cancelInvitation).toBe(invitation);
    expect((await as(team.deputy)('query ($id: ID!) { team(id: $id) { invitations { id } } }', { id: team.id })).data?.team.invitations).toEqual([]);
    const accept = await as(guest)('mutation ($id: ID!) { acceptInvitation(id: $id) { id } }', { id: invitation });
    expect(accept.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await as(team.deputy)(CANCEL, { id: invitation })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await auditActions(team.id)).filter(([action]) => action === 'invitation.cancel')).toEqual([['invitation.cancel', team.deputy.email, invitation, { email: guest.email, role: 'MEMBER' }]]);
  });

  it('ends the removed member’s teamEvents subscription', async () => {
    const team = await crew();
    const key = await createKey(server, team.boss, team.id, { apps: [{ app: 'records', components: [...ALL_RECORDS, 'records.created'] }] });
    await register(key, 'records.created', 'crew');
    const subscription = subscribe(server, null, 'subscription ($teamId: ID!) { teamEvents(teamId: $teamId) { id } }', { teamId: team.id }, { cookie: team.staff.cookie });
    await subscribers(server, 1);
    await as(team.deputy)(REMOVE, { teamId: team.id, memberId: team.memberId });
    await run(key, 'records.create', { collection: 'crew', data: {} });
    await subscription.until(() => subscription.completed());
    expect(subscription.items).toHaveLength(0);
    expect(subscription.errors[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('which key registered a trigger', () => {
  it('names the key on the team triggers list, for a MEMBER too', async () => {
    const key = await createKey(server, admin, teamId, { name: 'ingest worker', apps: [{ app: 'records', components: [...ALL_RECORDS, 'records.created'] }] });
    const triggerId = await register(key, 'records.created', 'named');
    const listed = await as(member)('query ($id: ID!) { team(id: $id) { triggers { id apiKeyId apiKeyName } } }', { id: teamId });
    expect(listed.data!.team.triggers).toContainEqual({ id: triggerId, apiKeyId: key.id, apiKeyName: 'ingest worker' });
    // A key asking about its own triggers learns only what apiKeyInfo already tells it.
    const runtime = await withKey(server, key.secret)('{ triggers { id apiKeyId apiKeyName } apiKeyInfo { id name } }');
    expect(runtime.data?.triggers).toEqual([{ id: triggerId, apiKeyId: runtime.data?.apiKeyInfo.id, apiKeyName: runtime.data?.apiKeyInfo.name }]);
  });

  it('reaches no management type from any runtime (@apiKey) field of the printed schema', () => {
    const schema = buildSchema(readFileSync(fileURLToPath(new URL('../schema.graphql', import.meta.url)), 'utf8'));
    const roots = [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!].flatMap((type) =>
      Object.values(type.getFields()).filter((field) => field.astNode?.directives?.some((directive) => directive.name.value === 'apiKey')),
    );
    const reached = new Set<string>();
    const visit = (type: GraphQLNamedType) => {
      if (reached.has(type.name)) return;
      reached.add(type.name);
      if (isObjectType(type)) for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
    };
    roots.forEach((field) => visit(getNamedType(field.type)));
    expect(reached.has('Trigger')).toBe(true);
    for (const management of ['ApiKey', 'User', 'Team', 'TeamMember', 'Invitation', 'Connection', 'AuditEntry', 'KeyUsageDay']) expect(reached, management).not.toContain(management);
  });
});
