import type { RouteObject } from 'react-router';

/** Action runs, inside the signed-in shell. */
export const runRoutes: RouteObject[] = [
  { path: 'teams/:teamId/runs', lazy: () => import('./list') },
];
