import { Alert, Button, Center, Group, Loader, Stack, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { CombinedError } from 'urql';
import { signInPath } from '../session';
import { apiError } from './errors';

/** Shown while a page's first data is on its way. */
export function PageLoader({ label = 'Loading' }: { label?: string }) {
  return (
    <Center mih={240} role="status" aria-live="polite">
      <Loader aria-hidden />
      <VisuallyHidden>{label}</VisuallyHidden>
    </Center>
  );
}

interface ErrorStateProps {
  title?: string;
  message: ReactNode;
  onRetry?: () => void;
  children?: ReactNode;
}

export function ErrorState({ title = 'Something went wrong', message, onRetry, children }: ErrorStateProps) {
  return (
    <Alert color="red" variant="light" title={title} role="alert" maw={640}>
      <Stack gap="sm">
        <div>{message}</div>
        {(onRetry || children) && (
          <Group gap="sm">
            {onRetry && (
              <Button size="xs" variant="white" color="red" onClick={onRetry}>
                Try again
              </Button>
            )}
            {children}
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

/** A failed query: a lost session goes back to sign-in, anything else is explained with a retry. */
export function QueryError({ error, onRetry }: { error: CombinedError; onRetry?: () => void }) {
  const location = useLocation();
  const { code, message } = apiError(error);
  if (code === 'UNAUTHENTICATED') return <Navigate to={signInPath(location.pathname + location.search)} replace />;
  return <ErrorState message={message} onRetry={onRetry} />;
}
