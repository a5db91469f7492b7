import { Button, Center, EmptyState } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

/**
 * A page with nothing to show yet: says why, and offers the way forward (`actions`, or with `home`
 * a button of that label back to the console's start).
 */
export function EmptyPage({ title, description, actions, home, fullHeight = false }: { title: string; description: ReactNode; actions?: ReactNode; home?: string; fullHeight?: boolean }) {
  const way =
    actions ??
    (home && (
      <Button component={Link} to="/">
        {home}
      </Button>
    ));
  return (
    <Center mih={fullHeight ? '100vh' : '60vh'} p="md">
      <EmptyState maw={480}>
        <EmptyState.Title order={1}>{title}</EmptyState.Title>
        <EmptyState.Description>{description}</EmptyState.Description>
        {way && <EmptyState.Actions>{way}</EmptyState.Actions>}
      </EmptyState>
    </Center>
  );
}
