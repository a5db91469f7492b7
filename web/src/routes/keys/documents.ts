import { graphql } from '../../graphql';

/** What the list and the detail show of a key (never its secret: only `lastFour` / `maskedKey`). */
export const KeySummaryFragment = graphql(`
  fragment KeySummary on ApiKey {
    id
    name
    maskedKey
    lastFour
    status
    scopes
    expiresAt
    lastUsedAt
    createdAt
    usage(days: 14) {
      day
      runs
      failed
    }
    apps {
      connectionId
      app {
        key
        name
      }
      components {
        key
        name
      }
    }
  }
`);

export const KeyListQuery = graphql(
  `
    query KeyList($teamId: ID!) {
      team(id: $teamId) {
        id
        name
        viewerRole
        apiKeys {
          ...KeySummary
        }
      }
    }
  `,
  [KeySummaryFragment],
);

export const KeyDetailQuery = graphql(
  `
    query KeyDetail($teamId: ID!, $keyId: ID!) {
      team(id: $teamId) {
        id
        name
        viewerRole
        apiKey(id: $keyId) {
          ...KeySummary
          createdBy {
            id
            name
            email
          }
          triggers {
            id
            component
            config
            status
            createdAt
            lastEventAt
          }
        }
        connections {
          id
          name
          status
        }
        actionRuns(apiKeyId: $keyId, first: 10) {
          runs {
            id
            component
            status
            startedAt
            durationMs
            replayed
            error {
              code
              message
            }
          }
        }
      }
    }
  `,
  [KeySummaryFragment],
);

/** What the key form offers: the catalog and the team's connections. */
export const KeyFormOptionsQuery = graphql(`
  query KeyFormOptions($teamId: ID!) {
    apps {
      key
      name
      description
      needsConnection
      components {
        key
        name
        description
        kind
        scope
        requiredPermissions
      }
    }
    team(id: $teamId) {
      id
      viewerRole
      connections {
        id
        name
        status
        grantedPermissions
        app {
          key
        }
      }
    }
  }
`);

export const CreateKeyMutation = graphql(
  `
    mutation CreateKey($input: CreateApiKeyInput!) {
      createApiKey(input: $input) {
        secret
        apiKey {
          ...KeySummary
        }
      }
    }
  `,
  [KeySummaryFragment],
);

export const UpdateKeyMutation = graphql(
  `
    mutation UpdateKey($id: ID!, $input: UpdateApiKeyInput!) {
      updateApiKey(id: $id, input: $input) {
        ...KeySummary
      }
    }
  `,
  [KeySummaryFragment],
);

export const RegenerateKeyMutation = graphql(
  `
    mutation RegenerateKey($id: ID!, $graceSeconds: Int) {
      regenerateApiKey(id: $id, graceSeconds: $graceSeconds) {
        secret
        apiKey {
          ...KeySummary
        }
      }
    }
  `,
  [KeySummaryFragment],
);

export const RevokeKeyMutation = graphql(
  `
    mutation RevokeKey($id: ID!) {
      revokeApiKey(id: $id) {
        ...KeySummary
        triggers {
          id
        }
      }
    }
  `,
  [KeySummaryFragment],
);

export const DeleteKeyMutation = graphql(`
  mutation DeleteKey($id: ID!) {
    deleteApiKey(id: $id)
  }
`);
