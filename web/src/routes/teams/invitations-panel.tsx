import { ActionIcon, Badge, Button, CopyButton, Group, Loader, Stack, Table, Text, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from 'urql';
import type { ResultOf } from '../../graphql';
import { apiError } from '../../ui/errors';
import { formatDateTime, roleColor, roleLabel } from '../../ui/format';
import { QueryError } from '../../ui/states';
import { CancelInvitationMutation, TeamInvitationsQuery } from './documents';

type Invitation = NonNullable<ResultOf<typeof TeamInvitationsQuery>['team']>['invitations'][number];
import { InviteMemberModal } from './invite-member-modal';

// An empty list holds no Invitation, so name the type for the cache to refresh it after an invite.
const context = { additionalTypenames: ['Invitation'] };

/** Owners and admins: pending invitations, with their links, and the invite button. */
export function InvitationsPanel({ teamId }: { teamId: string }) {
  const [inviting, { open, close }] = useDisclosure(false);
  const [result, refetch] = useQuery({ query: TeamInvitationsQuery, variables: { id: teamId }, context });
  const invitations = result.data?.team?.id === teamId ? result.data.team.invitations : undefined;

  return (
    <Stack component="section" aria-labelledby="invitations-title" gap="sm">
      <Group justify="space-between">
        <Title order={2} fz="h4" id="invitations-title">
          Pending invitations
        </Title>
        <Button onClick={open}>Invite member</Button>
      </Group>
      {result.error && !invitations ? (
        <QueryError error={result.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !invitations ? (
        <Loader size="sm" aria-label="Loading invitations" />
      ) : invitations.length === 0 ? (
        <Text c="dimmed" size="sm">
          No pending invitations. Invite someone, then hand them the link.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm" aria-label="Pending invitations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Link</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invitations.map((invitation) => (
                <Table.Tr key={invitation.id}>
                  <Table.Td>{invitation.email}</Table.Td>
                  <Table.Td w={1}>
                    <Badge variant="light" color={roleColor(invitation.role)}>
                      {roleLabel(invitation.role)}
                    </Badge>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(invitation.expiresAt)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Text size="sm" ff="monospace" truncate="end" maw={{ base: 140, lg: 280 }} title={invitation.link}>
                        {invitation.link}
                      </Text>
                      <CopyButton value={invitation.link}>
                        {({ copied, copy }) => (
                          <Tooltip label={copied ? 'Copied' : 'Copy link'} withArrow>
                            <ActionIcon variant="subtle" onClick={copy} aria-label={`Copy the invitation link for ${invitation.email}`} w="auto" px={6}>
                              {copied ? 'Copied' : 'Copy'}
                            </ActionIcon>
                          </Tooltip>
                        )}
                      </CopyButton>
                    </Group>
                  </Table.Td>
                  <Table.Td w={1}>
                    <CancelInvitationButton invitation={invitation} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <InviteMemberModal teamId={teamId} opened={inviting} onClose={close} />
    </Stack>
  );
}

/** Cancels at once: the link stops working. */
function CancelInvitationButton({ invitation }: { invitation: Invitation }) {
  const [{ fetching }, cancel] = useMutation(CancelInvitationMutation);
  const onClick = async () => {
    const result = await cancel({ id: invitation.id }, context);
    if (result.error) {
      notifications.show({ color: 'red', title: 'Could not cancel the invitation', message: apiError(result.error).message });
      return;
    }
    notifications.show({ color: 'green', message: `The invitation for ${invitation.email} was cancelled; its link no longer works.` });
  };
  return (
    <Button variant="subtle" color="red" size="compact-sm" onClick={onClick} loading={fetching} aria-label={`Cancel the invitation for ${invitation.email}`}>
      Cancel
    </Button>
  );
}
