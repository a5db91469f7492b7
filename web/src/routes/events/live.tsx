import { Badge, Button, Code, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { Fragment, useEffect, useReducer, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { useClient, useQuery, type CombinedError } from 'urql';
import { readFragment, type FragmentOf, type ResultOf } from '../../graphql';
import { useLiveState, type LiveState } from '../../urql';
import { EmptyPage } from '../../ui/empty-page';
import { JsonView } from '../../ui/json-view';
import { LoadMore } from '../../ui/load-more';
import { RelativeTime } from '../../ui/relative-time';
import { QueryError } from '../../ui/states';
import { TeamPageFallback } from '../../ui/team-states';
import { useUrlFilters } from '../../ui/url-filters';
import { EventHistoryQuery, EventTriggersQuery, TeamEventsSubscription, TriggerEventFields } from './documents';

type TriggerEvent = ResultOf<typeof TriggerEventFields>;
type Trigger = NonNullable<ResultOf<typeof EventTriggersQuery>['team']>['triggers'][number];

const HISTORY_SIZE = 50;
/** The page keeps at most this many events; the oldest make room for new ones. */
const MAX_EVENTS = 500;

interface State {
  events: TriggerEvent[];
  /** Older stored events exist before the last one shown. */
  olderCursor: string | null;
  /** Events were let go to stay under MAX_EVENTS. */
  capped: boolean;
}

type Action = { type: 'seed'; events: TriggerEvent[]; endCursor: string | null; hasMore: boolean } | { type: 'live'; event: TriggerEvent } | { type: 'older'; events: TriggerEvent[]; endCursor: string | null; hasMore: boolean };

function reduce(state: State, action: Action): State {
  switch (action.type) {
    case 'seed':
      return { events: action.events.slice(0, MAX_EVENTS), olderCursor: action.hasMore ? action.endCursor : null, capped: false };
    case 'live': {
      // A replay after a reconnect may repeat what was already shown: each event appears once.
      if (state.events.some((event) => event.id === action.event.id)) return state;
      const events = [action.event, ...state.events];
      if (events.length <= MAX_EVENTS) return { ...state, events };
      return { events: events.slice(0, MAX_EVENTS), olderCursor: null, capped: true };
    }
    case 'older': {
      const seen = new Set(state.events.map((event) => event.id));
      const events = [...state.events, ...action.events.filter((event) => !seen.has(event.id))];
      if (events.length <= MAX_EVENTS) return { ...state, events, olderCursor: action.hasMore ? action.endCursor : null };
      return { events: events.slice(0, MAX_EVENTS), olderCursor: null, capped: true };
    }
  }
}

/** `/teams/:teamId/events`: the team's trigger events, the stored ones first, then live as they happen. */
export function Component() {
  const teamId = useParams().teamId!;
  useDocumentTitle('Live events · Latchkey');
  // A fresh page per team: the events and the cursor belong to it.
  return <LiveEvents key={teamId} teamId={teamId} />;
}

function LiveEvents({ teamId }: { teamId: string }) {
  const client = useClient();
  const { params, setFilter, clearFilters } = useUrlFilters();
  const [history, refetchHistory] = useQuery({ query: EventHistoryQuery, variables: { teamId, first: HISTORY_SIZE }, requestPolicy: 'network-only' });
  const [state, dispatch] = useReducer(reduce, { events: [], olderCursor: null, capped: false });
  const [seeded, setSeeded] = useState(false);
  const [resumeAfter, setResumeAfter] = useState<string | null>(null);
  const [streamError, setStreamError] = useState<CombinedError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<CombinedError | null>(null);
  const liveState = useLiveState();
  const newestCursor = useRef<string | null>(null);
  newestCursor.current = state.events[0]?.cursor ?? newestCursor.current;

  const team = history.data?.team?.id === teamId ? history.data.team : null;
  const [triggerList, refetchTriggers] = useQuery({ query: EventTriggersQuery, variables: { teamId } });
  const triggers = triggerList.data?.team?.id === teamId ? triggerList.data.team.triggers : [];
  const askedFor = useRef(new Set<string>());

  // An event of a trigger registered after the list was read: read the list again (once per trigger).
  useEffect(() => {
    if (triggerList.fetching || !triggerList.data) return;
    const known = new Set(triggers.map((trigger) => trigger.id));
    const unknown = state.events.map((event) => event.triggerId).filter((id) => !known.has(id) && !askedFor.current.has(id));
    if (unknown.length === 0) return;
    for (const id of unknown) askedFor.current.add(id);
    refetchTriggers({ requestPolicy: 'network-only' });
  }, [state.events, triggers, triggerList.fetching, triggerList.data, refetchTriggers]);

  // The stored history, once: from then on the list grows from the subscription.
  useEffect(() => {
    if (seeded || !team) return;
    const events = readFragment(TriggerEventFields, team.triggerEvents.events as FragmentOf<typeof TriggerEventFields>[]);
    dispatch({ type: 'seed', events: [...events], endCursor: team.triggerEvents.endCursor, hasMore: team.triggerEvents.hasMore });
    // No history yet: from the team's start, so an event stored before the subscription begins still arrives.
    setResumeAfter(events[0]?.cursor ?? team.eventsStartCursor);
    setSeeded(true);
  }, [seeded, team]);

  // Every event after the newest one shown; resubscribing (new cursor) after a reconnect replays what was missed.
  useEffect(() => {
    if (!seeded) return;
    setStreamError(null);
    const { unsubscribe } = client.subscription(TeamEventsSubscription, { teamId, after: resumeAfter }).subscribe((result) => {
      if (result.error) setStreamError(result.error);
      else if (result.data) dispatch({ type: 'live', event: readFragment(TriggerEventFields, result.data.teamEvents) });
    });
    return unsubscribe;
  }, [client, seeded, teamId, resumeAfter, attempt]);

  useEffect(() => {
    if (liveState === 'reconnecting' && newestCursor.current) setResumeAfter(newestCursor.current);
  }, [liveState]);

  const retryStream = () => {
    setResumeAfter(newestCursor.current);
    setAttempt((n) => n + 1);
  };

  const loadOlder = async () => {
    if (!state.olderCursor) return;
    setLoadingOlder(true);
    setOlderError(null);
    const result = await client.query(EventHistoryQuery, { teamId, first: HISTORY_SIZE, before: state.olderCursor }, { requestPolicy: 'network-only' }).toPromise();
    setLoadingOlder(false);
    const page = result.data?.team?.triggerEvents;
    if (result.error || !page) return setOlderError(result.error ?? null);
    dispatch({ type: 'older', events: [...readFragment(TriggerEventFields, page.events as FragmentOf<typeof TriggerEventFields>[])], endCursor: page.endCursor, hasMore: page.hasMore });
  };

  if (!team && !seeded) {
    return <TeamPageFallback result={history} refetch={refetchHistory} label="Loading events" />;
  }

  const triggerId = params.get('trigger');
  const component = params.get('component');
  const components = [...new Set([...triggers.map((t) => t.component), ...state.events.map((e) => e.component)])].sort();
  const triggersById = new Map(triggers.map((trigger) => [trigger.id, trigger]));
  const shown = state.events.filter((event) => (!triggerId || event.triggerId === triggerId) && (!component || event.component === component));
  const filtered = Boolean(triggerId || component);

  return (
    <Stack gap="lg" maw={1200}>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} fz="h2">
              Live events
            </Title>
            <ConnectionBadge state={streamError ? 'stopped' : liveState} />
          </Group>
          <Text c="dimmed" size="sm">
            The team’s trigger events, newest first. New ones appear here as they happen.
          </Text>
        </Stack>
      </Group>

      {streamError && (
        <QueryError error={streamError} onRetry={retryStream} />
      )}

      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label="Trigger"
          placeholder="Any trigger"
          data={triggers.map((trigger) => ({ value: trigger.id, label: triggerLabel(trigger) }))}
          value={triggerId}
          onChange={(value) => setFilter('trigger', value)}
          searchable
          clearable
          nothingFoundMessage="No such trigger"
          w={280}
        />
        <Select
          label="Component"
          placeholder="Any component"
          data={components}
          value={component}
          onChange={(value) => setFilter('component', value)}
          searchable
          clearable
          nothingFoundMessage="No such component"
          w={230}
        />
      </Group>

      {state.events.length === 0 ? (
        <EmptyPage
          title="No events yet"
          description="Events appear here when a key’s trigger fires: a records.created trigger when a record is created, a webhook trigger when its URL is called, a schedule when its time comes. Keep this page open to watch them arrive."
        />
      ) : shown.length === 0 ? (
        <Stack align="flex-start" gap="xs" py="xl">
          <Text fw={500}>No events match these filters yet.</Text>
          <Button variant="default" size="xs" onClick={clearFilters}>
            Clear filters
          </Button>
        </Stack>
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {filtered ? `${shown.length} of ${state.events.length} events` : `${state.events.length} ${state.events.length === 1 ? 'event' : 'events'}`}
            {state.capped && ` — only the newest ${MAX_EVENTS} are kept on this page; reload to start over.`}
          </Text>
          <Table.ScrollContainer minWidth={700}>
            <Table verticalSpacing="xs" aria-label="Trigger events">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Occurred</Table.Th>
                  <Table.Th>Component</Table.Th>
                  <Table.Th>Trigger</Table.Th>
                  <Table.Th>Payload</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((event) => (
                  <EventRow key={event.id} event={event} trigger={triggersById.get(event.triggerId)} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore hasMore={state.olderCursor !== null} loading={loadingOlder} error={olderError} onLoad={loadOlder} label="Load older events" />
        </Stack>
      )}
    </Stack>
  );
}

const BADGES: Record<LiveState | 'stopped', { label: string; color: string }> = {
  idle: { label: 'Connecting…', color: 'gray' },
  connecting: { label: 'Connecting…', color: 'gray' },
  live: { label: 'Live', color: 'teal' },
  reconnecting: { label: 'Reconnecting…', color: 'orange' },
  stopped: { label: 'Stopped', color: 'red' },
};

function ConnectionBadge({ state }: { state: LiveState | 'stopped' }) {
  const { label, color } = BADGES[state];
  return (
    <Badge variant="dot" color={color} size="lg" role="status" aria-live="polite">
      {label}
    </Badge>
  );
}

/** "collection: orders" */
function configSummary(trigger: Trigger): string {
  const config = trigger.config && typeof trigger.config === 'object' ? Object.entries(trigger.config as Record<string, unknown>) : [];
  return config.map(([name, value]) => `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ');
}

/** "records.created · collection: orders (key Orders service)" */
function triggerLabel(trigger: Trigger): string {
  const summary = configSummary(trigger);
  return `${summary ? `${trigger.component} · ${summary}` : trigger.component} (key ${trigger.apiKeyName})`;
}

function EventRow({ event, trigger }: { event: TriggerEvent; trigger: Trigger | undefined }) {
  const [open, setOpen] = useState(false);
  const payloadId = `event-payload-${event.id}`;
  const preview = JSON.stringify(event.payload);
  return (
    <Fragment>
      <Table.Tr>
        <Table.Td w={1}>
          <RelativeTime iso={event.occurredAt} />
        </Table.Td>
        <Table.Td w={1}>
          <Code>{event.component}</Code>
        </Table.Td>
        <Table.Td>
          {trigger ? (
            <Stack gap={0}>
              <Text size="sm">{configSummary(trigger) || 'any'}</Text>
              <Text size="xs" c="dimmed">
                key {trigger.apiKeyName}
              </Text>
            </Stack>
          ) : (
            <Text size="sm" c="dimmed" fs="italic">
              removed trigger
            </Text>
          )}
        </Table.Td>
        <Table.Td>
          <Group gap="xs" wrap="nowrap" justify="space-between">
            <Text size="xs" ff="monospace" c="dimmed" truncate="end" maw={{ base: 180, lg: 360 }}>
              {preview}
            </Text>
            <Button
              variant="subtle"
              size="compact-sm"
              onClick={() => setOpen((value) => !value)}
              aria-expanded={open}
              aria-controls={open ? payloadId : undefined}
              aria-label={`${open ? 'Hide' : 'Show'} the payload of the ${event.component} event`}
            >
              {open ? 'Hide' : 'Payload'}
            </Button>
          </Group>
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr id={payloadId}>
          <Table.Td colSpan={4}>
            <JsonView value={event.payload} label={`Payload of the ${event.component} event`} />
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}
