import type { RouteObject } from 'react-router';

export const authRoutes: RouteObject[] = [
  { path: 'sign-in', lazy: () => import('./sign-in') },
  { path: 'sign-up', lazy: () => import('./sign-up') },
];
