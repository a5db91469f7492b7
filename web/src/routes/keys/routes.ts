import type { RouteObject } from 'react-router';

/** API keys, inside the signed-in shell. */
export const keyRoutes: RouteObject[] = [
  { path: 'teams/:teamId/keys', lazy: () => import('./list') },
  { path: 'teams/:teamId/keys/new', lazy: () => import('./new') },
  { path: 'teams/:teamId/keys/:keyId', lazy: () => import('./detail') },
];
