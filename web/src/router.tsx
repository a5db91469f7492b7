import { createBrowserRouter } from 'react-router';
import { auditRoutes } from './routes/audit/routes';
import { authRoutes } from './routes/auth/routes';
import { componentRoutes } from './routes/components/routes';
import { connectionRoutes } from './routes/connections/routes';
import { eventRoutes } from './routes/events/routes';
import { invitationRoutes } from './routes/invitations/routes';
import { keyRoutes } from './routes/keys/routes';
import { runRoutes } from './routes/runs/routes';
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
        children: [...teamRoutes, ...keyRoutes, ...connectionRoutes, ...componentRoutes, ...eventRoutes, ...runRoutes, ...auditRoutes],
      },
      { path: '*', Component: NotFound },
    ],
  },
]);
