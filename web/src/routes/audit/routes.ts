import type { RouteObject } from 'react-router';

/** Audit log, inside the signed-in shell. */
export const auditRoutes: RouteObject[] = [
  { path: 'teams/:teamId/audit', lazy: () => import('./log') },
];
