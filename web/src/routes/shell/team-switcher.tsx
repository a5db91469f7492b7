import { Badge, Button, Menu, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useNavigate } from 'react-router';
import type { ViewerTeam } from '../../session';
import { roleLabel } from '../../ui/format';
import { CreateTeamModal } from '../teams/create-team-modal';

/** Lists the viewer's teams; the current one is the team in the address. */
export function TeamSwitcher({ teams, currentId }: { teams: ViewerTeam[]; currentId: string | undefined }) {
  const navigate = useNavigate();
  const [creating, { open, close }] = useDisclosure(false);
  const current = teams.find((team) => team.id === currentId);

  return (
    <>
      <Menu position="bottom-start" width={280} shadow="md">
        <Menu.Target>
          <Button variant="default" rightSection={<span aria-hidden>▾</span>} maw={{ base: 180, sm: 280 }} aria-label={`Team: ${current?.name ?? 'none selected'}. Switch team`}>
            <Text span truncate="end" inherit>
              {current?.name ?? 'Select a team'}
            </Text>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Your teams</Menu.Label>
          {teams.length === 0 && <Menu.Item disabled>No teams yet</Menu.Item>}
          {teams.map((team) => (
            <Menu.Item
              key={team.id}
              onClick={() => navigate(`/teams/${team.id}`)}
              aria-current={team.id === currentId ? 'page' : undefined}
              fw={team.id === currentId ? 600 : undefined}
              rightSection={
                <Badge size="xs" variant="light" color="gray">
                  {roleLabel(team.viewerRole)}
                </Badge>
              }
            >
              <Text span truncate="end" inherit>
                {team.name}
              </Text>
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={open} leftSection={<span aria-hidden>+</span>}>
            Create team
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <CreateTeamModal opened={creating} onClose={close} />
    </>
  );
}
