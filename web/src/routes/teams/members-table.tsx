import { Badge, Table, Text } from '@mantine/core';
import type { ResultOf } from '../../graphql';
import { formatDate, roleColor, roleLabel } from '../../ui/format';
import type { TeamOverviewQuery } from './documents';

type Member = NonNullable<ResultOf<typeof TeamOverviewQuery>['team']>['members'][number];

export function MembersTable({ members, viewerId }: { members: Member[]; viewerId: string }) {
  return (
    <Table.ScrollContainer minWidth={600}>
      <Table verticalSpacing="sm" aria-label="Members">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Joined</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((member) => (
            <Table.Tr key={member.id}>
              <Table.Td>
                {member.user.name}
                {member.user.id === viewerId && (
                  <Text span c="dimmed" size="sm">
                    {' '}
                    (you)
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{member.user.email}</Table.Td>
              <Table.Td w={1}>
                <Badge variant="light" color={roleColor(member.role)}>
                  {roleLabel(member.role)}
                </Badge>
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(member.createdAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
