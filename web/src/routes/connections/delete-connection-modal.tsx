import { Alert, Button, Code, Group, List, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { apiError } from '../../ui/errors';
import { PageLoader, QueryError } from '../../ui/states';
import { ConnectionUsageQuery, DeleteConnectionMutation, type ConnectionRow } from './documents';

/** Asks before deleting, naming what goes with the connection: the key grants using it and their triggers. */
export function DeleteConnectionModal({ teamId, connection, onClose, onDeleted }: { teamId: string; connection: ConnectionRow | null; onClose: () => void; onDeleted: () => void }) {
  return (
    <Modal opened={connection !== null} onClose={onClose} title="Delete connection" size="lg">
      {connection && <DeleteConfirmation teamId={teamId} connection={connection} onClose={onClose} onDeleted={onDeleted} />}
    </Modal>
  );
}

function DeleteConfirmation({ teamId, connection, onClose, onDeleted }: { teamId: string; connection: ConnectionRow; onClose: () => void; onDeleted: () => void }) {
  const [usage, refetch] = useQuery({ query: ConnectionUsageQuery, variables: { id: teamId }, requestPolicy: 'network-only' });
  const [deleting, remove] = useMutation(DeleteConnectionMutation);
  const [failure, setFailure] = useState<string | null>(null);

  if (!usage.data?.team) {
    if (usage.error) return <QueryError error={usage.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
    return <PageLoader label="Finding what uses this connection" />;
  }

  const appPrefix = `${connection.app.key}.`;
  const grants = usage.data.team.apiKeys
    .filter((key) => key.apps.some((grant) => grant.connectionId === connection.id))
    .map((key) => ({ id: key.id, name: key.name, triggers: key.triggers.filter((trigger) => trigger.component.startsWith(appPrefix)) }));
  const triggerCount = grants.reduce((sum, grant) => sum + grant.triggers.length, 0);

  const confirm = async () => {
    setFailure(null);
    const result = await remove({ id: connection.id });
    if (result.error) {
      setFailure(apiError(result.error).message);
      return;
    }
    notifications.show({ color: 'teal', title: 'Connection deleted', message: `${connection.name} and the grants using it are gone.` });
    onDeleted();
    onClose();
  };

  return (
    <Stack>
      {failure && (
        <Alert color="red" variant="light" role="alert">
          {failure}
        </Alert>
      )}
      <Text size="sm">
        Deleting <strong>{connection.name}</strong> ({connection.app.name}) erases its stored credentials. Keys lose access to {connection.app.name} through it.
      </Text>
      {grants.length === 0 ? (
        <Text size="sm" c="dimmed">
          No key’s grant uses this connection.
        </Text>
      ) : (
        <Stack gap={4} component="section" aria-label="What will be removed">
          <Text size="sm" fw={500}>
            It also removes {grants.length === 1 ? 'this grant' : `these ${grants.length} grants`}
            {triggerCount > 0 && ` and ${triggerCount === 1 ? 'its trigger' : `${triggerCount} triggers`}`}:
          </Text>
          <List size="sm" spacing={4}>
            {grants.map((grant) => (
              <List.Item key={grant.id}>
                The {connection.app.name} grant of key <strong>{grant.name}</strong>
                {grant.triggers.length > 0 && (
                  <List size="sm" withPadding>
                    {grant.triggers.map((trigger) => (
                      <List.Item key={trigger.id}>
                        Trigger <Code>{trigger.component}</Code> <Text span size="xs" c="dimmed">({trigger.id})</Text>
                      </List.Item>
                    ))}
                  </List>
                )}
              </List.Item>
            ))}
          </List>
        </Stack>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} disabled={deleting.fetching} data-autofocus>
          Cancel
        </Button>
        <Button color="red" onClick={confirm} loading={deleting.fetching}>
          Delete connection
        </Button>
      </Group>
    </Stack>
  );
}
