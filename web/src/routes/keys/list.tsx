import { Anchor, Button, Input, Group, NativeSelect, SegmentedControl, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { readFragment } from '../../graphql';
import { EmptyPage } from '../../ui/empty-page';
import { canManage, formatDate, formatDateTime } from '../../ui/format';
import { TeamPageFallback } from '../../ui/team-states';
import { StatusBadge } from './status-badge';
import { UsageChart } from './usage-chart';
import { KeyListQuery, KeySummaryFragment } from './documents';
import { STATUS_LABELS, relativeTime, scopeLabel, type KeyStatus, type KeySummary } from './key-format';

const context = { additionalTypenames: ['ApiKey'] };

const FILTERS = [
  { value: 'ALL', label: 'All' },
  { value: 'ACTIVE', label: 'Active' },
  { value: 'REVOKED', label: 'Revoked' },
  { value: 'EXPIRED', label: 'Expired' },
];

const SORTS = [
  { value: 'name', label: 'Name' },
  { value: 'created', label: 'Newest first' },
  { value: 'lastUsed', label: 'Last used' },
];

const byTime = (iso: string | null) => (iso ? new Date(iso).getTime() : 0);
const COMPARE: Record<string, (a: KeySummary, b: KeySummary) => number> = {
  name: (a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }),
  created: (a, b) => byTime(b.createdAt) - byTime(a.createdAt),
  lastUsed: (a, b) => byTime(b.lastUsedAt) - byTime(a.lastUsedAt),
};

/** `/teams/:teamId/keys`: the team's keys, filterable by status and sortable. */
export function Component() {
  const teamId = useParams().teamId!;
  const [search, setSearch] = useSearchParams();
  const [result, refetch] = useQuery({ query: KeyListQuery, variables: { teamId }, context, requestPolicy: 'cache-and-network' });
  useDocumentTitle('API keys · Latchkey');
  const team = result.data?.team?.id === teamId ? result.data.team : null;
  const status = FILTERS.some((f) => f.value === search.get('status')) ? search.get('status')! : 'ALL';
  const sort = SORTS.some((s) => s.value === search.get('sort')) ? search.get('sort')! : 'created';
  const keys = useMemo(() => (team ? team.apiKeys.map((key) => readFragment(KeySummaryFragment, key)) : []), [team]);
  const shown = useMemo(() => keys.filter((key) => status === 'ALL' || key.status === status).sort(COMPARE[sort]), [keys, status, sort]);

  const setParam = (name: string, value: string, fallback: string) =>
    setSearch(
      (current) => {
        const next = new URLSearchParams(current);
        if (value === fallback) next.delete(name);
        else next.set(name, value);
        return next;
      },
      { replace: true },
    );

  if (!team) {
    return <TeamPageFallback result={result} refetch={refetch} label="Loading API keys" />;
  }

  const manager = canManage(team.viewerRole);
  const createButton = manager && (
    <Button component={Link} to={`/teams/${teamId}/keys/new`}>
      Create API key
    </Button>
  );

  if (keys.length === 0) {
    return (
      <EmptyPage
        title="No API keys yet"
        description={
          manager
            ? 'A key lets a program reach exactly the components you grant it, and nothing else. Create one to get started.'
            : 'Owners and admins of this team create keys; they will appear here.'
        }
        actions={createButton || undefined}
      />
    );
  }

  return (
    <Stack gap="lg" maw={1280}>
      <Group justify="space-between" align="flex-end" gap="sm">
        <Stack gap={4}>
          <Title order={1} fz="h2">
            API keys
          </Title>
          <Text c="dimmed" size="sm">
            {keys.length} {keys.length === 1 ? 'key' : 'keys'} in {team.name}
          </Text>
        </Stack>
        {createButton}
      </Group>

      <Group gap="md" align="flex-end" wrap="wrap">
        <Stack gap={4}>
          <Input.Label id="key-status-filter" component="div">
            Status
          </Input.Label>
          <SegmentedControl aria-labelledby="key-status-filter" data={FILTERS} value={status} onChange={(value) => setParam('status', value, 'ALL')} />
        </Stack>
        <NativeSelect label="Sort by" data={SORTS} value={sort} onChange={(event) => setParam('sort', event.currentTarget.value, 'created')} w={180} />
      </Group>

      {shown.length === 0 ? (
        <Text c="dimmed" role="status">
          No {STATUS_LABELS[status as KeyStatus].toLowerCase()} keys.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={1080}>
          <Table verticalSpacing="sm" aria-label="API keys" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Scopes</Table.Th>
                <Table.Th>Apps</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Runs, 14 days</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((key) => (
                <KeyRow key={key.id} teamId={teamId} apiKey={key} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function KeyRow({ teamId, apiKey }: { teamId: string; apiKey: KeySummary }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/teams/${teamId}/keys/${apiKey.id}`} fw={500}>
          {apiKey.name}
        </Anchor>
        <Text size="xs" c="dimmed">
          Created {formatDate(apiKey.createdAt)}
        </Text>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text ff="monospace" size="sm">
          {apiKey.maskedKey}
        </Text>
      </Table.Td>
      <Table.Td>
        <StatusBadge status={apiKey.status} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{apiKey.scopes.map(scopeLabel).join(', ')}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{apiKey.apps.length > 0 ? apiKey.apps.map((grant) => grant.app.name).join(', ') : 'None'}</Text>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">{apiKey.expiresAt ? formatDate(apiKey.expiresAt) : 'Never'}</Text>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        {apiKey.lastUsedAt ? (
          <Tooltip label={formatDateTime(apiKey.lastUsedAt)} withArrow>
            <Text size="sm" component="time" dateTime={apiKey.lastUsedAt} tabIndex={0}>
              {relativeTime(apiKey.lastUsedAt)}
            </Text>
          </Tooltip>
        ) : (
          <Text size="sm" c="dimmed">
            never
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <UsageChart days={apiKey.usage} />
      </Table.Td>
    </Table.Tr>
  );
}
