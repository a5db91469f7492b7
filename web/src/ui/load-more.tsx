import { Button, Group } from '@mantine/core';
import type { CombinedError } from 'urql';
import { QueryError } from './states';

/** The foot of a paged list: why the last page failed (with a retry), and the button for the next one. */
export function LoadMore({ hasMore, loading, error, onLoad, label = 'Load more' }: { hasMore: boolean; loading: boolean; error: CombinedError | null; onLoad: () => void; label?: string }) {
  return (
    <>
      {error && <QueryError error={error} onRetry={onLoad} />}
      {hasMore && (
        <Group justify="center">
          <Button variant="default" onClick={onLoad} loading={loading}>
            {label}
          </Button>
        </Group>
      )}
    </>
  );
}
