import { graphql } from '../../graphql';

export const TriggerEventFields = graphql(`
  fragment TriggerEventFields on TriggerEvent {
    id
    cursor
    triggerId
    component
    occurredAt
    payload
  }
`);

/** The team's triggers, to name each event's trigger and to filter by it. */
export const EventTriggersQuery = graphql(`
  query EventTriggers($teamId: ID!) {
    team(id: $teamId) {
      id
      triggers {
        id
        component
        config
        apiKeyName
      }
    }
  }
`);

/** The team's newest stored events, newest first; `before` pages back. */
export const EventHistoryQuery = graphql(
  `
    query EventHistory($teamId: ID!, $first: Int!, $before: String) {
      team(id: $teamId) {
        id
        eventsStartCursor
        triggerEvents(first: $first, before: $before) {
          events {
            ...TriggerEventFields
          }
          endCursor
          hasMore
        }
      }
    }
  `,
  [TriggerEventFields],
);

/** New events as they are stored; with `after`, those missed since that cursor first. */
export const TeamEventsSubscription = graphql(
  `
    subscription TeamEvents($teamId: ID!, $after: String) {
      teamEvents(teamId: $teamId, after: $after) {
        ...TriggerEventFields
      }
    }
  `,
  [TriggerEventFields],
);
