import { Alert, Button, Group, Modal, Radio, Stack, Text, TextInput } from '@mantine/core';
import { isEmail, useForm } from '@mantine/form';
import { useState } from 'react';
import { useMutation } from 'urql';
import type { ResultOf } from '../../graphql';
import { CopyField } from '../../ui/copy-field';
import { apiError, fieldErrors } from '../../ui/errors';
import { formatDateTime } from '../../ui/format';
import { InviteMemberMutation } from './documents';

type Invitation = ResultOf<typeof InviteMemberMutation>['inviteMember'];

/** Invites someone by email; Latchkey sends no mail, so the modal ends with the link to hand over. */
export function InviteMemberModal({ teamId, opened, onClose }: { teamId: string; opened: boolean; onClose: () => void }) {
  const [, invite] = useMutation(InviteMemberMutation);
  const [failure, setFailure] = useState<string | null>(null);
  const [invited, setInvited] = useState<Invitation | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: '', role: 'MEMBER' as 'MEMBER' | 'ADMIN' },
    validate: { email: isEmail('Enter an email address.') },
  });

  const close = () => {
    form.reset();
    setFailure(null);
    setInvited(null);
    onClose();
  };

  const submit = form.onSubmit(async ({ email, role }) => {
    setFailure(null);
    const result = await invite({ teamId, email: email.trim(), role });
    if (result.error) {
      const { code, message, issues } = apiError(result.error);
      if (code === 'BAD_USER_INPUT' && issues.length > 0) form.setErrors(fieldErrors(issues));
      else setFailure(message);
      return;
    }
    setInvited(result.data?.inviteMember ?? null);
  });

  return (
    <Modal opened={opened} onClose={close} title={invited ? 'Invitation created' : 'Invite a member'}>
      {invited ? (
        <Stack>
          <Text size="sm">
            Send this link to <strong>{invited.email}</strong>. They join after signing in with that email. It expires {formatDateTime(invited.expiresAt)}.
          </Text>
          <CopyField label="Invitation link" value={invited.link} />
          <Group justify="flex-end">
            <Button onClick={close} data-autofocus>
              Done
            </Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            {failure && (
              <Alert color="red" variant="light" role="alert">
                {failure}
              </Alert>
            )}
            <TextInput label="Email" type="email" required data-autofocus key={form.key('email')} {...form.getInputProps('email')} />
            <Radio.Group label="Role" key={form.key('role')} {...form.getInputProps('role')}>
              <Stack gap="xs" mt="xs">
                <Radio value="MEMBER" label="Member" description="Sees the team, its keys and connections." />
                <Radio value="ADMIN" label="Admin" description="Also manages keys, connections and members." />
              </Stack>
            </Radio.Group>
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={form.submitting}>
                Create invitation
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
