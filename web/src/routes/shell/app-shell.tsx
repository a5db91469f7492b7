import { Anchor, AppShell, Burger, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Navigate, Outlet, useLocation, useMatch } from 'react-router';
import { signInPath, useViewer } from '../../session';
import { ErrorState, PageLoader } from '../../ui/states';
import { TeamNav } from './team-nav';
import { TeamSwitcher } from './team-switcher';
import { UserMenu } from './user-menu';

/** The signed-in console: header with team switcher and account menu, the team's sections, the page. */
export function Component() {
  const location = useLocation();
  const teamId = useMatch('/teams/:teamId/*')?.params.teamId;
  const [navOpened, { toggle, close }] = useDisclosure(false);
  const { viewer, loading, error, retry } = useViewer();

  if (loading) return <PageLoader label="Loading your account" />;
  if (error && !viewer) {
    return (
      <Group justify="center" p="xl">
        <ErrorState title="Latchkey is unavailable" message="Your account could not be loaded." onRetry={retry} />
      </Group>
    );
  }
  if (!viewer) return <Navigate to={signInPath(location.pathname + location.search)} replace />;

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'md', collapsed: { mobile: !navOpened || !teamId, desktop: !teamId } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap" miw={0}>
            {teamId && <Burger opened={navOpened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Toggle navigation" />}
            <Anchor component={Link} to="/" fw={700} underline="never" c="var(--mantine-color-text)">
              Latchkey
            </Anchor>
            <TeamSwitcher teams={viewer.teams} currentId={teamId} />
          </Group>
          <UserMenu viewer={viewer} />
        </Group>
      </AppShell.Header>
      {teamId && (
        <AppShell.Navbar p="xs">
          <TeamNav teamId={teamId} onNavigate={close} />
        </AppShell.Navbar>
      )}
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
