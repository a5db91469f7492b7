import type { CombinedError } from 'urql';
import { EmptyPage } from './empty-page';
import { apiError } from './errors';
import { PageLoader, QueryError } from './states';

/** A team id the viewer cannot see: it does not exist, or they are not a member (the API answers NOT_FOUND for both). */
export function TeamNotFound() {
  return <EmptyPage title="Team not found" description="It does not exist, or you are not one of its members." home="Go to your teams" />;
}

/**
 * What a team's page shows until its first query has the team: a loader, the error with a retry
 * (`refetch`, from the network), or "Team not found".
 */
export function TeamPageFallback({ result, refetch, label }: { result: { fetching: boolean; data?: unknown; error?: CombinedError }; refetch: (context: { requestPolicy: 'network-only' }) => void; label: string }) {
  if (result.fetching || (!result.data && !result.error)) return <PageLoader label={label} />;
  if (result.error && apiError(result.error).code !== 'NOT_FOUND') return <QueryError error={result.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  return <TeamNotFound />;
}
