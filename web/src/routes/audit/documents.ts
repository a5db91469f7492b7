import { graphql } from '../../graphql';

export const AuditLogQuery = graphql(`
  query AuditLog($teamId: ID!, $first: Int!, $after: String) {
    team(id: $teamId) {
      id
      auditLog(first: $first, after: $after) {
        entries {
          id
          action
          targetType
          targetId
          details
          ip
          createdAt
          actorEmail
          actor {
            id
            name
            email
          }
        }
        endCursor
        hasMore
      }
    }
  }
`);
