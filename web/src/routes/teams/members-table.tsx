import { Alert, Badge, Button, Group, Modal, NativeSelect, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { useMutation } from 'urql';
import type { ResultOf } from '../../graphql';
import { apiError } from '../../ui/errors';
import { canManage, formatDate, roleColor, roleLabel, type TeamRole } from '../../ui/format';
import { RemoveMemberMutation, UpdateMemberRoleMutation, type TeamOverviewQuery } from './documents';

type Member = NonNullable<ResultOf<typeof TeamOverviewQuery>['team']>['members'][number];

// removeMember answers only an id: name the type so the team's member list is fetched again.
const membersChanged = { additionalTypenames: ['TeamMember', 'Team'] };

/** The roles the viewer may give this member; empty when they may not change it (only an owner touches owners). */
function assignableRoles(viewerRole: TeamRole | undefined, member: Member): TeamRole[] {
  if (viewerRole === 'OWNER') return ['OWNER', 'ADMIN', 'MEMBER'];
  if (viewerRole === 'ADMIN' && member.role !== 'OWNER') return ['ADMIN', 'MEMBER'];
  return [];
}

/** Members and their roles. Owners and admins change roles and remove members here; members only read. */
export function MembersTable({ members, viewerId }: { members: Member[]; viewerId: string }) {
  const teamId = useParams().teamId!;
  const viewerRole = members.find((member) => member.user.id === viewerId)?.role;
  const manager = viewerRole !== undefined && canManage(viewerRole);
  const [removing, setRemoving] = useState<Member | null>(null);

  return (
    <>
      <Table.ScrollContainer minWidth={600}>
        <Table verticalSpacing="sm" aria-label="Members">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Joined</Table.Th>
              {manager && (
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.map((member) => {
              const self = member.user.id === viewerId;
              const roles = assignableRoles(viewerRole, member);
              return (
                <Table.Tr key={member.id}>
                  <Table.Td>
                    {member.user.name}
                    {self && (
                      <Text span c="dimmed" size="sm">
                        {' '}
                        (you)
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{member.user.email}</Table.Td>
                  <Table.Td w={1}>
                    {roles.length > 0 ? (
                      <RoleSelect teamId={teamId} member={member} roles={roles} />
                    ) : (
                      <Badge variant="light" color={roleColor(member.role)}>
                        {roleLabel(member.role)}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(member.createdAt)}</Table.Td>
                  {manager && (
                    <Table.Td w={1}>
                      {!self && roles.length > 0 && (
                        <Button variant="subtle" color="red" size="compact-sm" onClick={() => setRemoving(member)} aria-label={`Remove ${member.user.name || member.user.email}`}>
                          Remove
                        </Button>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {manager && <RemoveMemberModal teamId={teamId} member={removing} onClose={() => setRemoving(null)} />}
    </>
  );
}

function RoleSelect({ teamId, member, roles }: { teamId: string; member: Member; roles: TeamRole[] }) {
  const [{ fetching }, updateRole] = useMutation(UpdateMemberRoleMutation);
  // The choice stays on screen until the refreshed member list confirms it (or the change fails).
  const [chosen, setChosen] = useState<TeamRole | null>(null);
  useEffect(() => setChosen(null), [member.role]);
  const who = member.user.name || member.user.email;

  const change = async (role: TeamRole) => {
    if (role === member.role) return;
    setChosen(role);
    const result = await updateRole({ teamId, memberId: member.id, role }, membersChanged);
    if (result.error) {
      setChosen(null);
      notifications.show({ color: 'red', title: `Could not change ${who}’s role`, message: apiError(result.error).message });
      return;
    }
    notifications.show({ color: 'green', message: `${who}’s role is now ${roleLabel(role)}.` });
  };

  return (
    <NativeSelect
      aria-label={`Role of ${who}`}
      size="xs"
      w={120}
      value={chosen ?? member.role}
      disabled={fetching}
      data={roles.map((role) => ({ value: role, label: roleLabel(role) }))}
      onChange={(event) => void change(event.currentTarget.value as TeamRole)}
    />
  );
}

function RemoveMemberModal({ teamId, member, onClose }: { teamId: string; member: Member | null; onClose: () => void }) {
  const [{ fetching }, removeMember] = useMutation(RemoveMemberMutation);
  const [failure, setFailure] = useState<string | null>(null);
  const who = member ? member.user.name || member.user.email : '';

  const close = () => {
    setFailure(null);
    onClose();
  };

  const confirm = async () => {
    if (!member) return;
    setFailure(null);
    const result = await removeMember({ teamId, memberId: member.id }, membersChanged);
    if (result.error) return setFailure(apiError(result.error).message);
    close();
    notifications.show({ color: 'green', message: `${who} was removed from the team.` });
  };

  return (
    <Modal opened={member !== null} onClose={close} title="Remove member">
      <Stack>
        {failure && (
          <Alert color="red" variant="light" role="alert">
            {failure}
          </Alert>
        )}
        <Text size="sm">
          Remove <strong>{who}</strong> ({member?.user.email}) from the team? They lose access to its keys, connections and events at once.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={close} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={confirm} loading={fetching}>
            Remove member
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
