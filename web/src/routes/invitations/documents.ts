import { graphql } from '../../graphql';

export const AcceptInvitationMutation = graphql(`
  mutation AcceptInvitation($id: ID!) {
    acceptInvitation(id: $id) {
      id
      name
      viewerRole
    }
  }
`);
