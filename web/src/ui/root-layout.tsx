import { Progress } from '@mantine/core';
import { Outlet, useNavigation } from 'react-router';

/** Every page: a thin bar at the top while the next page's code is loading. */
export function RootLayout() {
  const navigation = useNavigation();
  return (
    <>
      {navigation.state !== 'idle' && (
        <Progress value={100} animated size="xs" radius={0} pos="fixed" top={0} left={0} right={0} style={{ zIndex: 1000 }} aria-label="Loading page" />
      )}
      <Outlet />
    </>
  );
}
