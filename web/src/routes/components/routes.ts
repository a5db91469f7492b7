import type { RouteObject } from 'react-router';

/** Components, inside the signed-in shell. */
export const componentRoutes: RouteObject[] = [
  { path: 'teams/:teamId/components', lazy: () => import('./catalog') },
];
