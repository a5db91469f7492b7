import { graphql } from '../../graphql';

/** What the filters offer: the team's keys and the catalog's actions. */
export const RunFiltersQuery = graphql(`
  query RunFilters($teamId: ID!) {
    team(id: $teamId) {
      id
      apiKeys {
        id
        name
      }
    }
    apps {
      key
      name
      components {
        key
        kind
      }
    }
  }
`);

export const ActionRunsQuery = graphql(`
  query ActionRuns($teamId: ID!, $first: Int!, $after: String, $status: ActionRunStatus, $component: String, $apiKeyId: ID) {
    team(id: $teamId) {
      id
      actionRuns(first: $first, after: $after, status: $status, component: $component, apiKeyId: $apiKeyId) {
        runs {
          id
          component
          status
          apiKeyId
          durationMs
          startedAt
          replayed
          error {
            code
            message
          }
        }
        endCursor
        hasMore
      }
    }
  }
`);
