import type { RouteObject } from 'react-router';

/** Outside the shell: the visitor may not be signed in yet. */
export const invitationRoutes: RouteObject[] = [{ path: 'invitations/:id', lazy: () => import('./accept') }];
