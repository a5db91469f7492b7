import { Button, Center } from '@mantine/core';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { NotFound } from './not-found';
import { ErrorState } from './states';

/** Last resort for a route that failed to load or render. */
export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFound />;
  // A lazily loaded page that is gone from the server: the console was redeployed meanwhile.
  const staleBuild = error instanceof TypeError && /dynamically imported module|importing a module script/i.test(error.message);
  return (
    <Center mih="60vh" p="md">
      <ErrorState
        title={staleBuild ? 'The console was updated' : 'This page failed'}
        message={staleBuild ? 'Reload to get the new version.' : 'An unexpected error stopped this page. Reloading usually helps.'}
      >
        <Button size="xs" variant="white" color="red" onClick={() => window.location.reload()}>
          Reload
        </Button>
      </ErrorState>
    </Center>
  );
}
