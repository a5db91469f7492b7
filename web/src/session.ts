import { useQuery } from 'urql';
import { graphql, type ResultOf } from './graphql';

export const ViewerQuery = graphql(`
  query Viewer {
    me {
      id
      email
      name
      teams {
        id
        name
        viewerRole
      }
    }
  }
`);

export type Viewer = NonNullable<ResultOf<typeof ViewerQuery>['me']>;
export type ViewerTeam = Viewer['teams'][number];

// A viewer with no teams yet has no Team in the result; this still refreshes it when one is created.
const context = { additionalTypenames: ['Team', 'TeamMember'] };

/** The signed-in user and their teams (`viewer` is null when signed out). */
export function useViewer() {
  const [result, refetch] = useQuery({ query: ViewerQuery, context });
  return {
    viewer: result.data?.me ?? null,
    /** True until the first answer arrives. */
    loading: result.data === undefined && !result.error,
    error: result.error,
    retry: () => refetch({ requestPolicy: 'network-only' }),
  };
}

/** `page` with `?next=` set, so that signing in or up leads back to `next` (the console's home when '/'). */
export function withNext(page: '/sign-in' | '/sign-up', next: string): string {
  return next === '/' ? page : `${page}?next=${encodeURIComponent(next)}`;
}

/** Where to send a signed-out visitor so that they come back to `path` afterwards. */
export function signInPath(path: string): string {
  return withNext('/sign-in', path);
}

/** Accepts only paths inside the console, so `?next=` cannot send anyone to another site. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
