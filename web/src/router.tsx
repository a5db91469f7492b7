import { createBrowserRouter } from 'react-router';
import { authRoutes } from './routes/auth/routes';
import { invitationRoutes } from './routes/invitations/routes';
import { teamRoutes } from './routes/teams/routes';
import { NotFound } from './ui/not-found';
import { RootLayout } from './ui/root-layout';
import { RouteError } from './ui/route-error';
import { PageLoader } from './ui/states';

/**
 * Every page is loaded on demand (one chunk per page). A feature lives in `routes/<feature>/` and
 * brings a `routes.ts`; it is added below, inside the shell when it needs a signed-in viewer.
 */
export const router = createBrowserRouter([
  {
    Component: RootLayout,
    ErrorBoundary: RouteError,
    HydrateFallback: PageLoader,
    children: [
      ...authRoutes,
      ...invitationRoutes,
      {
        lazy: () => import('./routes/shell/app-shell'),
        children: [...teamRoutes],
      },
      { path: '*', Component: NotFound },
    ],
  },
]);
