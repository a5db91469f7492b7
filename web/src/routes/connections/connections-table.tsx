import { Badge, Button, Code, CopyButton, Group, Modal, Stack, Table, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useMutation } from 'urql';
import { apiError } from '../../ui/errors';
import { formatDateTime } from '../../ui/format';
import { RelativeTime } from '../../ui/relative-time';
import { ResetConnectionWebhookMutation, TestConnectionMutation, type ConnectionRow } from './documents';

type Status = ConnectionRow['status'];

const STATUS_COLORS: Record<Status, string> = { ACTIVE: 'teal', ERROR: 'red', EXPIRED: 'orange', REVOKED: 'gray' };

export function StatusBadge({ status }: { status: Status }) {
  return (
    <Badge variant="light" color={STATUS_COLORS[status]}>
      {status}
    </Badge>
  );
}

interface ConnectionsTableProps {
  connections: ConnectionRow[];
  /** Owners and admins see Test and Delete. */
  manager: boolean;
  onDelete: (connection: ConnectionRow) => void;
}

export function ConnectionsTable({ connections, manager, onDelete }: ConnectionsTableProps) {
  const [, test] = useMutation(TestConnectionMutation);
  const [testing, setTesting] = useState<string | null>(null);

  const runTest = async (connection: ConnectionRow) => {
    setTesting(connection.id);
    const result = await test({ id: connection.id });
    setTesting(null);
    const tested = result.data?.testConnection;
    if (result.error || !tested) {
      notifications.show({ color: 'red', title: `${connection.name} was not tested`, message: result.error ? apiError(result.error).message : 'No answer.' });
      return;
    }
    notifications.show(
      tested.status === 'ACTIVE'
        ? { color: 'teal', title: `${tested.name} works`, message: `${tested.app.name} granted: ${tested.grantedPermissions.join(', ') || 'nothing'}.` }
        : { color: 'red', title: `${tested.name} is ${tested.status.toLowerCase()}`, message: tested.lastError ?? `${tested.app.name} refused the credentials.` },
    );
  };

  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="sm" aria-label="Connections" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Connection</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Permissions</Table.Th>
            <Table.Th>Last check</Table.Th>
            {manager && <Table.Th>Actions</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {connections.map((connection) => (
            <Table.Tr key={connection.id} aria-busy={testing === connection.id}>
              <Table.Td maw={380}>
                <Stack gap={2}>
                  <Text fw={600} size="sm">
                    {connection.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {connection.app.name} · added {formatDateTime(connection.createdAt)}
                  </Text>
                  {connection.webhookUrl && <NotionWebhook connection={connection} url={connection.webhookUrl} manager={manager} />}
                </Stack>
              </Table.Td>
              <Table.Td maw={260}>
                <Stack gap={4} align="flex-start">
                  <StatusBadge status={connection.status} />
                  {connection.lastError && (
                    <Text size="xs" c="red" style={{ overflowWrap: 'anywhere' }}>
                      {connection.lastError}
                    </Text>
                  )}
                </Stack>
              </Table.Td>
              <Table.Td>
                {connection.grantedPermissions.length > 0 ? (
                  <Group gap={4}>
                    {connection.grantedPermissions.map((permission) => (
                      <Badge key={permission} variant="outline" color="gray" tt="none">
                        {permission}
                      </Badge>
                    ))}
                  </Group>
                ) : (
                  <Text size="xs" c="dimmed">
                    none
                  </Text>
                )}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Text size="sm">{connection.lastCheckedAt ? <RelativeTime iso={connection.lastCheckedAt} /> : 'never'}</Text>
                {connection.expiresAt && (
                  <Text size="xs" c="dimmed">
                    expires <RelativeTime iso={connection.expiresAt} />
                  </Text>
                )}
              </Table.Td>
              {manager && (
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button size="xs" variant="default" loading={testing === connection.id} onClick={() => runTest(connection)}>
                      Test
                    </Button>
                    <Button size="xs" variant="light" color="red" onClick={() => onDelete(connection)}>
                      Delete
                    </Button>
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * Notion sends trigger events to this URL once it is pasted into the integration's webhook settings.
 * Managers can make Latchkey accept a new handshake (the subscription was made again in Notion).
 */
function NotionWebhook({ connection, url, manager }: { connection: ConnectionRow; url: string; manager: boolean }) {
  const verified = connection.webhookVerified;
  const [confirming, setConfirming] = useState(false);
  const [{ fetching }, reset] = useMutation(ResetConnectionWebhookMutation);
  const confirmReset = async () => {
    const result = await reset({ id: connection.id });
    if (result.error) {
      notifications.show({ color: 'red', title: 'The handshake was not reset', message: apiError(result.error).message });
      return;
    }
    setConfirming(false);
    notifications.show({ color: 'teal', title: 'Ready for a new handshake', message: `Subscribe to ${url} in Notion again; its events are refused until then.` });
  };
  return (
    <Stack gap={4} mt={6}>
      <Text size="xs" fw={500}>
        Webhook URL (paste into the Notion integration’s Webhooks settings)
      </Text>
      <Group gap={6} wrap="nowrap" align="center">
        <Code style={{ overflowWrap: 'anywhere' }} aria-label={`Webhook URL of ${connection.name}`}>
          {url}
        </Code>
        <CopyButton value={url}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy to clipboard'} withArrow>
              <Button size="compact-xs" variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : undefined} onClick={copy} aria-label="Copy webhook URL" style={{ flexShrink: 0 }}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
      <Group gap={6}>
        <Badge variant="dot" color={verified ? 'teal' : 'yellow'} tt="none" size="sm">
          {verified ? 'Handshake received' : 'Handshake not received yet'}
        </Badge>
        {manager && verified && (
          <Button size="compact-xs" variant="subtle" onClick={() => setConfirming(true)}>
            Accept a new handshake
          </Button>
        )}
      </Group>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Accept a new Notion handshake?">
        <Stack>
          <Text size="sm">
            Do this after making the webhook subscription again in Notion. Latchkey forgets the current verification token of {connection.name}; until the new
            subscription’s handshake arrives, deliveries from Notion are refused.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button color="red" loading={fetching} onClick={confirmReset}>
              Reset handshake
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
