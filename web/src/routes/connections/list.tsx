import { Button, EmptyState, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useQuery } from 'urql';
import { canManage } from '../../ui/format';
import { TeamPageFallback } from '../../ui/team-states';
import { ConnectionsTable } from './connections-table';
import { DeleteConnectionModal } from './delete-connection-modal';
import { TeamConnectionsQuery, type ConnectionRow } from './documents';
import { NewConnectionModal } from './new-connection-modal';

// An empty list holds no Connection, so the cache would not know a new one concerns this query.
const context = { additionalTypenames: ['Connection'] };

/** `/teams/:teamId/connections`: the team's connected accounts; owners and admins add, test and delete them. */
export function Component() {
  const teamId = useParams().teamId!;
  const [result, refetch] = useQuery({ query: TeamConnectionsQuery, variables: { id: teamId }, context });
  const [creating, { open: openCreate, close: closeCreate }] = useDisclosure(false);
  const [deleting, setDeleting] = useState<ConnectionRow | null>(null);
  const team = result.data?.team?.id === teamId ? result.data.team : null;
  useDocumentTitle(team ? `Connections · ${team.name} · Latchkey` : 'Connections · Latchkey');

  if (!team) {
    return <TeamPageFallback result={result} refetch={refetch} label="Loading connections" />;
  }

  const manager = canManage(team.viewerRole);
  const newButton = manager && <Button onClick={openCreate}>New connection</Button>;

  return (
    <Stack gap="lg" maw={1200}>
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={4} maw={720}>
          <Title order={1} fz="h2">
            Connections
          </Title>
          <Text c="dimmed" size="sm">
            The team’s accounts with Linear, Notion and mail servers. A key’s grant of such an app names the connection it acts through; the credentials never leave
            Latchkey.
          </Text>
        </Stack>
        {newButton}
      </Group>

      {team.connections.length === 0 ? (
        <Paper withBorder p="xl" radius="md">
          <EmptyState maw={520} mx="auto">
            <EmptyState.Title order={2}>No connections yet</EmptyState.Title>
            <EmptyState.Description>
              {manager
                ? 'Use “New connection” to connect an account, so that keys can create Linear issues, write to Notion or send mail on the team’s behalf.'
                : 'An owner or admin of the team can connect accounts for keys to use.'}
            </EmptyState.Description>
          </EmptyState>
        </Paper>
      ) : (
        <ConnectionsTable connections={team.connections} manager={manager} onDelete={setDeleting} />
      )}

      {manager && <NewConnectionModal teamId={team.id} opened={creating} onClose={closeCreate} />}
      {manager && <DeleteConnectionModal teamId={team.id} connection={deleting} onClose={() => setDeleting(null)} onDeleted={() => refetch({ requestPolicy: 'network-only' })} />}
    </Stack>
  );
}
