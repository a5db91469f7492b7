import type { RouteObject } from 'react-router';

/** Live events, inside the signed-in shell. */
export const eventRoutes: RouteObject[] = [
  { path: 'teams/:teamId/events', lazy: () => import('./live') },
];
