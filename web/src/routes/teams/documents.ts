import { graphql } from '../../graphql';

export const TeamOverviewQuery = graphql(`
  query TeamOverview($id: ID!) {
    team(id: $id) {
      id
      name
      viewerRole
      createdAt
      members {
        id
        role
        createdAt
        user {
          id
          email
          name
        }
      }
    }
  }
`);

/** Asked only by owners and admins: the links let anyone with them join. */
export const TeamInvitationsQuery = graphql(`
  query TeamInvitations($id: ID!) {
    team(id: $id) {
      id
      invitations {
        id
        email
        role
        expiresAt
        link
      }
    }
  }
`);

export const CreateTeamMutation = graphql(`
  mutation CreateTeam($name: String!) {
    createTeam(name: $name) {
      id
      name
      viewerRole
    }
  }
`);

export const InviteMemberMutation = graphql(`
  mutation InviteMember($teamId: ID!, $email: String!, $role: TeamRole!) {
    inviteMember(teamId: $teamId, email: $email, role: $role) {
      id
      email
      role
      expiresAt
      link
    }
  }
`);

export const UpdateMemberRoleMutation = graphql(`
  mutation UpdateMemberRole($teamId: ID!, $memberId: ID!, $role: TeamRole!) {
    updateMemberRole(teamId: $teamId, memberId: $memberId, role: $role) {
      id
      role
    }
  }
`);

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($teamId: ID!, $memberId: ID!) {
    removeMember(teamId: $teamId, memberId: $memberId)
  }
`);

export const CancelInvitationMutation = graphql(`
  mutation CancelInvitation($id: ID!) {
    cancelInvitation(id: $id)
  }
`);
