import { Badge, Group, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useParams } from 'react-router';
import { useQuery } from 'urql';
import { useViewer } from '../../session';
import { canManage, formatDate, roleColor, roleLabel } from '../../ui/format';
import { TeamPageFallback } from '../../ui/team-states';
import { TeamOverviewQuery } from './documents';
import { InvitationsPanel } from './invitations-panel';
import { MembersTable } from './members-table';

/** `/teams/:teamId`: the team, the viewer's role in it, its members and (for managers) invitations. */
export function Component() {
  const teamId = useParams().teamId!;
  const { viewer } = useViewer();
  const [result, refetch] = useQuery({ query: TeamOverviewQuery, variables: { id: teamId } });
  const team = result.data?.team?.id === teamId ? result.data.team : null;
  useDocumentTitle(team ? `${team.name} · Latchkey` : 'Latchkey');

  if (!team) {
    return <TeamPageFallback result={result} refetch={refetch} label="Loading the team" />;
  }

  return (
    <Stack gap="xl" maw={1100}>
      <Stack gap={4}>
        <Group gap="sm" align="center">
          <Title order={1} fz="h2">
            {team.name}
          </Title>
          <Badge variant="light" color={roleColor(team.viewerRole)} aria-label={`Your role: ${roleLabel(team.viewerRole)}`}>
            Your role: {roleLabel(team.viewerRole)}
          </Badge>
        </Group>
        <Text c="dimmed" size="sm">
          Created {formatDate(team.createdAt)} · {team.members.length} {team.members.length === 1 ? 'member' : 'members'}
        </Text>
      </Stack>

      <Stack component="section" aria-labelledby="members-title" gap="sm">
        <Title order={2} fz="h4" id="members-title">
          Members
        </Title>
        <MembersTable members={team.members} viewerId={viewer?.id ?? ''} />
      </Stack>

      {canManage(team.viewerRole) && <InvitationsPanel teamId={team.id} />}
    </Stack>
  );
}
