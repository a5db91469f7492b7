import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { hasLength, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { apiError, fieldErrors } from '../../ui/errors';
import { CreateTeamMutation } from './documents';

const TEAM_NAME_MAX = 80;

/** Creates a team owned by the viewer, then opens it. */
export function CreateTeamModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [, createTeam] = useMutation(CreateTeamMutation);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: '' },
    validate: { name: (value) => hasLength({ min: 1, max: TEAM_NAME_MAX }, `A team name is 1 to ${TEAM_NAME_MAX} characters.`)(value.trim()) },
  });

  const close = () => {
    form.reset();
    setFailure(null);
    onClose();
  };

  const submit = form.onSubmit(async ({ name }) => {
    setFailure(null);
    const result = await createTeam({ name: name.trim() });
    if (result.error) {
      const { code, message, issues } = apiError(result.error);
      if (code === 'BAD_USER_INPUT' && issues.length > 0) form.setErrors(fieldErrors(issues));
      else setFailure(message);
      return;
    }
    const team = result.data?.createTeam;
    if (!team) return;
    close();
    notifications.show({ color: 'green', message: `Team “${team.name}” created.` });
    navigate(`/teams/${team.id}`);
  });

  return (
    <Modal opened={opened} onClose={close} title="Create a team">
      <form onSubmit={submit} noValidate>
        <Stack>
          {failure && (
            <Alert color="red" variant="light" role="alert">
              {failure}
            </Alert>
          )}
          <TextInput
            label="Team name"
            description="You will be its owner. You can invite others afterwards."
            required
            data-autofocus
            key={form.key('name')}
            {...form.getInputProps('name')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Create team
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
