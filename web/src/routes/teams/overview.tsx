import { Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useViewer } from '../../session';
import { EmptyPage } from '../../ui/empty-page';
import { apiError } from '../../ui/errors';
import { canManage, formatDate, roleColor, roleLabel } from '../../ui/format';
import { PageLoader, QueryError } from '../../ui/states';
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
    if (result.fetching || (!result.data && !result.error)) return <PageLoader label="Loading the team" />;
    if (result.error && apiError(result.error).code !== 'NOT_FOUND') {
      return <QueryError error={result.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
    }
    return (
      <EmptyPage
        title="Team not found"
        description="It does not exist, or you are not one of its members."
        actions={
          <Button component={Link} to="/">
            Go to your teams
          </Button>
        }
      />
    );
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
