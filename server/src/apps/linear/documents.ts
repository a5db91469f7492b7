/**
 * Every GraphQL document Latchkey sends to Linear. Each one is validated against Linear's published
 * schema in the tests (test/linear.test.ts), so a field Linear does not have fails here, not in production.
 */

export const VIEWER = /* GraphQL */ `
  query LatchkeyViewer {
    viewer {
      id
      name
      admin
    }
  }
`;

export const ISSUE_CREATE = /* GraphQL */ `
  mutation LatchkeyIssueCreate($input: IssueCreateInput!) {
    issueCreate(input: $input) {
      success
      issue {
        id
        identifier
        title
        url
      }
    }
  }
`;

export const COMMENT_CREATE = /* GraphQL */ `
  mutation LatchkeyCommentCreate($input: CommentCreateInput!) {
    commentCreate(input: $input) {
      success
      comment {
        id
        url
      }
    }
  }
`;

/** `searchIssues` is Linear's current full-text search (`issueSearch` is deprecated). */
export const SEARCH_ISSUES = /* GraphQL */ `
  query LatchkeySearchIssues($term: String!, $first: Int) {
    searchIssues(term: $term, first: $first) {
      nodes {
        id
        identifier
        title
        url
      }
    }
  }
`;

/** For the Linear triggers: registering and removing the webhook Linear delivers their events through. */
export const WEBHOOK_CREATE = /* GraphQL */ `
  mutation LatchkeyWebhookCreate($input: WebhookCreateInput!) {
    webhookCreate(input: $input) {
      success
      webhook {
        id
        enabled
      }
    }
  }
`;

export const WEBHOOK_DELETE = /* GraphQL */ `
  mutation LatchkeyWebhookDelete($id: String!) {
    webhookDelete(id: $id) {
      success
    }
  }
`;

export const LINEAR_DOCUMENTS = { VIEWER, ISSUE_CREATE, COMMENT_CREATE, SEARCH_ISSUES, WEBHOOK_CREATE, WEBHOOK_DELETE };
