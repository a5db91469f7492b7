import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { attempt, authClient } from '../../auth';
import type { Viewer } from '../../session';

export function UserMenu({ viewer }: { viewer: Viewer }) {
  const signOut = async () => {
    const failure = await attempt(authClient.signOut());
    if (failure) {
      notifications.show({ color: 'red', title: 'Could not sign out', message: 'Latchkey could not be reached. Try again.' });
      return;
    }
    // A full page load: nothing of the session stays in memory.
    window.location.assign('/sign-in');
  };

  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label={`Account: ${viewer.email}`} p={4} style={{ borderRadius: 'var(--mantine-radius-sm)' }}>
          <Group gap="xs" wrap="nowrap">
            <Avatar name={viewer.name || viewer.email} color="initials" size="sm" />
            <Text size="sm" visibleFrom="sm" truncate="end" maw={160}>
              {viewer.name || viewer.email}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Signed in as</Menu.Label>
        <Text size="sm" px="sm" pb="xs" truncate="end">
          {viewer.email}
        </Text>
        <Menu.Divider />
        <Menu.Item onClick={signOut}>Sign out</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
