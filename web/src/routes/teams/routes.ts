import type { RouteObject } from 'react-router';

/** The teams feature, inside the signed-in shell: `/` picks a team, `/teams/:teamId` shows it. */
export const teamRoutes: RouteObject[] = [
  { index: true, lazy: () => import('./home') },
  { path: 'teams/:teamId', lazy: () => import('./overview') },
];
