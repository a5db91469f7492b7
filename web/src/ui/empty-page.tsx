import { Center, EmptyState } from '@mantine/core';
import type { ReactNode } from 'react';

/** A page with nothing to show yet: says why, and offers the way forward. */
export function EmptyPage({ title, description, actions, fullHeight = false }: { title: string; description: ReactNode; actions?: ReactNode; fullHeight?: boolean }) {
  return (
    <Center mih={fullHeight ? '100vh' : '60vh'} p="md">
      <EmptyState maw={480}>
        <EmptyState.Title order={1}>{title}</EmptyState.Title>
        <EmptyState.Description>{description}</EmptyState.Description>
        {actions && <EmptyState.Actions>{actions}</EmptyState.Actions>}
      </EmptyState>
    </Center>
  );
}
