import { graphql, type ResultOf } from '../../graphql';

export const ConnectionFields = graphql(`
  fragment ConnectionFields on Connection @_unmask {
    id
    name
    status
    grantedPermissions
    expiresAt
    lastCheckedAt
    lastError
    createdAt
    webhookUrl
    webhookVerified
    app {
      key
      name
    }
  }
`);

export const TeamConnectionsQuery = graphql(
  `
    query TeamConnections($id: ID!) {
      team(id: $id) {
        id
        name
        viewerRole
        connections {
          ...ConnectionFields
        }
      }
    }
  `,
  [ConnectionFields],
);

/** The apps a connection can be made for, with the JSON Schema of their credentials. */
export const ConnectableAppsQuery = graphql(`
  query ConnectableApps {
    apps {
      key
      name
      description
      needsConnection
      connectionSchema
    }
  }
`);

/** What deleting a connection takes with it: the key grants that use it and those keys' triggers. */
export const ConnectionUsageQuery = graphql(`
  query ConnectionUsage($id: ID!) {
    team(id: $id) {
      id
      apiKeys {
        id
        name
        status
        apps {
          connectionId
          app {
            key
            name
          }
        }
        triggers {
          id
          component
        }
      }
    }
  }
`);

export const CreateConnectionMutation = graphql(
  `
    mutation CreateConnection($input: CreateConnectionInput!) {
      createConnection(input: $input) {
        ...ConnectionFields
      }
    }
  `,
  [ConnectionFields],
);

export const TestConnectionMutation = graphql(
  `
    mutation TestConnection($id: ID!) {
      testConnection(id: $id) {
        ...ConnectionFields
      }
    }
  `,
  [ConnectionFields],
);

export const ResetConnectionWebhookMutation = graphql(
  `
    mutation ResetConnectionWebhook($id: ID!) {
      resetConnectionWebhook(id: $id) {
        ...ConnectionFields
      }
    }
  `,
  [ConnectionFields],
);

export const DeleteConnectionMutation = graphql(`
  mutation DeleteConnection($id: ID!) {
    deleteConnection(id: $id)
  }
`);

export type ConnectionRow = NonNullable<ResultOf<typeof TeamConnectionsQuery>['team']>['connections'][number];
export type ConnectableApp = ResultOf<typeof ConnectableAppsQuery>['apps'][number];
