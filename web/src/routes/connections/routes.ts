import type { RouteObject } from 'react-router';

/** Connections, inside the signed-in shell. */
export const connectionRoutes: RouteObject[] = [
  { path: 'teams/:teamId/connections', lazy: () => import('./list') },
];
