import { Badge, Button, Code, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import type { ResultOf } from '../../graphql';
import { EmptyPage } from '../../ui/empty-page';
import { LoadMore } from '../../ui/load-more';
import { RelativeTime } from '../../ui/relative-time';
import { PageLoader, QueryError } from '../../ui/states';
import { TeamNotFound, TeamPageFallback } from '../../ui/team-states';
import { useUrlFilters } from '../../ui/url-filters';
import { ActionRunsQuery, RunFiltersQuery } from './documents';
import { usePages } from './use-pages';

type Run = NonNullable<ResultOf<typeof ActionRunsQuery>['team']>['actionRuns']['runs'][number];
type Status = Run['status'];

const PAGE_SIZE = 25;
const STATUSES: { value: Status; label: string; color: string }[] = [
  { value: 'SUCCEEDED', label: 'Succeeded', color: 'teal' },
  { value: 'FAILED', label: 'Failed', color: 'red' },
];

function isStatus(value: string | null): value is Status {
  return STATUSES.some((status) => status.value === value);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** `/teams/:teamId/runs`: every action run made with the team's keys, newest first, with filters kept in the address. */
export function Component() {
  const teamId = useParams().teamId!;
  const { params, setFilter, clearFilters } = useUrlFilters();
  const [filters, refetchFilters] = useQuery({ query: RunFiltersQuery, variables: { teamId } });
  const team = filters.data?.team?.id === teamId ? filters.data.team : null;
  useDocumentTitle('Action runs · Latchkey');

  if (!team) {
    return <TeamPageFallback result={filters} refetch={refetchFilters} label="Loading action runs" />;
  }

  const status = isStatus(params.get('status')) ? (params.get('status') as Status) : null;
  const component = params.get('component');
  const apiKeyId = params.get('key');

  const actionGroups = (filters.data?.apps ?? [])
    .map((app) => ({ group: app.name, items: app.components.filter((c) => c.kind === 'ACTION').map((c) => c.key) }))
    .filter((group) => group.items.length > 0);
  const keyNames = new Map(team.apiKeys.map((key) => [key.id, key.name]));

  return (
    <Stack gap="lg" maw={1200}>
      <Stack gap={4}>
        <Title order={1} fz="h2">
          Action runs
        </Title>
        <Text c="dimmed" size="sm">
          Every action a program ran with one of the team’s keys, newest first.
        </Text>
      </Stack>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label="Status"
          placeholder="Any status"
          data={STATUSES.map(({ value, label }) => ({ value, label }))}
          value={status}
          onChange={(value) => setFilter('status', value)}
          clearable
          w={160}
        />
        <Select
          label="Component"
          placeholder="Any component"
          data={actionGroups}
          value={component}
          onChange={(value) => setFilter('component', value)}
          searchable
          clearable
          nothingFoundMessage="No such action"
          w={230}
        />
        <Select
          label="Key"
          placeholder="Any key"
          data={team.apiKeys.map((key) => ({ value: key.id, label: key.name }))}
          value={apiKeyId}
          onChange={(value) => setFilter('key', value)}
          searchable
          clearable
          nothingFoundMessage="No such key"
          w={220}
        />
      </Group>
      <RunsTable
        teamId={teamId}
        status={status}
        component={component}
        apiKeyId={apiKeyId}
        keyNames={keyNames}
        onClearFilters={status || component || apiKeyId ? clearFilters : null}
      />
    </Stack>
  );
}

function RunsTable({
  teamId,
  status,
  component,
  apiKeyId,
  keyNames,
  onClearFilters,
}: {
  teamId: string;
  status: Status | null;
  component: string | null;
  apiKeyId: string | null;
  keyNames: Map<string, string>;
  onClearFilters: (() => void) | null;
}) {
  const pages = usePages(ActionRunsQuery, { teamId, first: PAGE_SIZE, status, component, apiKeyId }, (data) =>
    data.team ? { items: data.team.actionRuns.runs, endCursor: data.team.actionRuns.endCursor, hasMore: data.team.actionRuns.hasMore } : null,
  );

  if (pages.first === undefined) {
    if (pages.error) return <QueryError error={pages.error} onRetry={pages.refresh} />;
    return <PageLoader label="Loading action runs" />;
  }
  if (pages.first === null) return <TeamNotFound />;

  if (pages.items.length === 0) {
    return onClearFilters ? (
      <Stack align="flex-start" gap="xs" py="xl">
        <Text fw={500}>No runs match these filters.</Text>
        <Button variant="default" size="xs" onClick={onClearFilters}>
          Clear filters
        </Button>
      </Stack>
    ) : (
      <EmptyPage
        title="No action runs yet"
        description="Runs appear here when a program uses one of the team’s API keys to run an action, e.g. records.create."
        actions={
          <Button component={Link} to={`/teams/${teamId}/keys`} variant="default">
            Go to API keys
          </Button>
        }
      />
    );
  }

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed" aria-live="polite">
          {pages.items.length} {pages.items.length === 1 ? 'run' : 'runs'} shown{pages.hasMore ? ', more below' : ''}
        </Text>
        <Button variant="subtle" size="xs" onClick={pages.refresh} loading={pages.fetching}>
          Refresh
        </Button>
      </Group>
      <Table.ScrollContainer minWidth={700}>
        <Table verticalSpacing="sm" aria-label="Action runs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Status</Table.Th>
              <Table.Th>Component</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Duration</Table.Th>
              <Table.Th>Started</Table.Th>
              <Table.Th>Error</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pages.items.map((run) => (
              <RunRow key={run.id} run={run} keyName={run.apiKeyId ? keyNames.get(run.apiKeyId) : undefined} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMore hasMore={pages.hasMore} loading={pages.loadingMore} error={pages.moreError} onLoad={pages.loadMore} />
    </Stack>
  );
}

function RunRow({ run, keyName }: { run: Run; keyName: string | undefined }) {
  const status = STATUSES.find((s) => s.value === run.status)!;
  return (
    <Table.Tr>
      <Table.Td w={1}>
        <Badge variant="light" color={status.color}>
          {status.label}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Code>{run.component}</Code>
      </Table.Td>
      <Table.Td>
        {keyName ?? (
          <Text span size="sm" c="dimmed" fs="italic">
            deleted key
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDuration(run.durationMs)}</Table.Td>
      <Table.Td>
        <RelativeTime iso={run.startedAt} />
      </Table.Td>
      <Table.Td maw={360}>
        {run.error ? (
          <Stack gap={2}>
            <Code c="red">{run.error.code}</Code>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {run.error.message}
            </Text>
          </Stack>
        ) : (
          <Text span c="dimmed" size="sm" aria-label="No error">
            —
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
