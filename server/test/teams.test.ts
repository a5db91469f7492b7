import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createTeam, startTestServer, type TestServer, type TestUser } from './harness.js';

let server: TestServer;
let owner: TestUser;
let admin: TestUser;
let member: TestUser;
let outsider: TestUser;
let teamId: string;

beforeAll(async () => {
  server = await startTestServer();
  [owner, admin, member, outsider] = await Promise.all([server.signUp(), server.signUp(), server.signUp(), server.signUp()]);
  teamId = await createTeam(server, owner, 'Platform');
  await addMember(server, teamId, admin, 'ADMIN');
  await addMember(server, teamId, member, 'MEMBER');
});
afterAll(() => server.close());

const TEAM = 'query ($id: ID!) { team(id: $id) { id name viewerRole members { role user { email } } } }';
const INVITE = 'mutation ($teamId: ID!, $email: String!, $role: TeamRole) { inviteMember(teamId: $teamId, email: $email, role: $role) { id email role link } }';

describe('teams', () => {
  it('makes the creator OWNER and lists the team under me.teams', async () => {
    const result = await server.graphql('{ me { teams { id name viewerRole } } }', {}, { cookie: owner.cookie });
    expect(result.data?.me.teams).toEqual([{ id: teamId, name: 'Platform', viewerRole: 'OWNER' }]);
  });

  it('shows each member the team with their own role and the members', async () => {
    const seen = await server.graphql(TEAM, { id: teamId }, { cookie: member.cookie });
    expect(seen.data?.team.viewerRole).toBe('MEMBER');
    expect(seen.data?.team.members).toHaveLength(3);
    expect(seen.data?.team.members).toContainEqual({ role: 'OWNER', user: { email: owner.email } });
    const asAdmin = await server.graphql(TEAM, { id: teamId }, { cookie: admin.cookie });
    expect(asAdmin.data?.team.viewerRole).toBe('ADMIN');
  });

  it("answers NOT_FOUND for another team's id, exactly as for an id that does not exist", async () => {
    const other = await server.graphql(TEAM, { id: teamId }, { cookie: outsider.cookie });
    const missing = await server.graphql(TEAM, { id: 'no-such-team' }, { cookie: outsider.cookie });
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(other.data?.team).toBeNull();
    expect(missing.errors?.[0]).toEqual(other.errors?.[0]);
    const invite = await server.graphql(INVITE, { teamId, email: 'x@example.test' }, { cookie: outsider.cookie });
    expect(invite.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses a MEMBER a role-gated field with FORBIDDEN / ROLE_REQUIRED', async () => {
    const result = await server.graphql(INVITE, { teamId, email: 'someone@example.test' }, { cookie: member.cookie });
    expect(result.status).toBe(403);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED', requiredRole: 'ADMIN' });
    const invitations = await server.latchkey.services.prisma.invitation.count({ where: { teamId } });
    expect(invitations).toBe(0);
  });

  it('rejects an empty team name with BAD_USER_INPUT and its path', async () => {
    const result = await server.graphql('mutation { createTeam(name: "   ") { id } }', {}, { cookie: owner.cookie });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['name'] }] });
  });
});

describe('invitations', () => {
  it('lets an ADMIN invite, prints the link in development logs, and the invitee join as MEMBER', async () => {
    const invitee = await server.signUp();
    const invited = await server.graphql(INVITE, { teamId, email: invitee.email, role: 'MEMBER' }, { cookie: admin.cookie });
    expect(invited.errors).toBeUndefined();
    const invitation = invited.data?.inviteMember;
    expect(invitation).toMatchObject({ email: invitee.email, role: 'MEMBER' });
    expect(invitation.link).toBe(`${server.latchkey.services.config.consoleUrl}/invitations/${invitation.id}`);
    const asMember = await server.graphql('query ($id: ID!) { team(id: $id) { invitations { link } } }', { id: teamId }, { cookie: member.cookie });
    expect(asMember.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    expect(server.logs.text).toContain(invitation.link);

    // Nobody else can use it.
    const stolen = await server.graphql('mutation ($id: ID!) { acceptInvitation(id: $id) { id } }', { id: invitation.id }, { cookie: outsider.cookie });
    expect(stolen.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const accepted = await server.graphql('mutation ($id: ID!) { acceptInvitation(id: $id) { id viewerRole } }', { id: invitation.id }, { cookie: invitee.cookie });
    expect(accepted.data?.acceptInvitation).toEqual({ id: teamId, viewerRole: 'MEMBER' });
    const again = await server.graphql('mutation ($id: ID!) { acceptInvitation(id: $id) { id } }', { id: invitation.id }, { cookie: invitee.cookie });
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
