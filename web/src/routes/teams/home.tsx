import { Button } from '@mantine/core';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import { Navigate } from 'react-router';
import { useViewer } from '../../session';
import { EmptyPage } from '../../ui/empty-page';
import { CreateTeamModal } from './create-team-modal';

/** `/`: the viewer's first team, or an invitation to create one. */
export function Component() {
  useDocumentTitle('Latchkey');
  const { viewer } = useViewer();
  const [creating, { open, close }] = useDisclosure(false);
  const first = viewer?.teams[0];
  if (first) return <Navigate to={`/teams/${first.id}`} replace />;

  return (
    <>
      <EmptyPage
        title="Create your first team"
        description="Keys, connections and members belong to a team. Create one, or open the invitation link a teammate sent you."
        actions={<Button onClick={open}>Create team</Button>}
      />
      <CreateTeamModal opened={creating} onClose={close} />
    </>
  );
}
