import { Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useMutation } from 'urql';
import { attempt, authClient } from '../../auth';
import { useViewer, withNext } from '../../session';
import { EmptyPage } from '../../ui/empty-page';
import { apiError } from '../../ui/errors';
import { ErrorState, PageLoader } from '../../ui/states';
import { AcceptInvitationMutation } from './documents';

/** `/invitations/:id`: the link an admin hands over. Signed in, it joins the team; signed out, it asks to sign in first. */
export function Component() {
  useDocumentTitle('Join a team · Latchkey');
  const invitationId = useParams().id!;
  const location = useLocation();
  const { viewer, loading, error, retry } = useViewer();

  if (loading) return <PageLoader label="Checking your account" />;
  if (error && !viewer) {
    return (
      <Frame>
        <ErrorState message="Latchkey could not be reached." onRetry={retry} />
      </Frame>
    );
  }
  if (!viewer) {
    const here = location.pathname;
    return (
      <EmptyPage
        fullHeight
        title="You're invited to a team on Latchkey"
        description="Sign in, or create an account with the email address the invitation was sent to. You'll come back here to join."
        actions={
          <>
            <Button component={Link} to={withNext('/sign-in', here)}>
              Sign in
            </Button>
            <Button component={Link} to={withNext('/sign-up', here)} variant="default">
              Create an account
            </Button>
          </>
        }
      />
    );
  }
  return <Accept invitationId={invitationId} email={viewer.email} />;
}

type Outcome = { state: 'joining' } | { state: 'failed'; code: string; message: string };

function Accept({ invitationId, email }: { invitationId: string; email: string }) {
  const navigate = useNavigate();
  const [, accept] = useMutation(AcceptInvitationMutation);
  const [outcome, setOutcome] = useState<Outcome>({ state: 'joining' });
  const started = useRef<string | null>(null);

  const join = async () => {
    setOutcome({ state: 'joining' });
    const result = await accept({ id: invitationId });
    const team = result.data?.acceptInvitation;
    if (team) {
      notifications.show({ color: 'green', message: `You joined “${team.name}”.` });
      navigate(`/teams/${team.id}`, { replace: true });
      return;
    }
    const { code, message } = result.error ? apiError(result.error) : { code: 'UNKNOWN', message: 'The invitation could not be accepted.' };
    setOutcome({ state: 'failed', code, message });
  };

  useEffect(() => {
    // Once per invitation, even when React runs effects twice in development.
    if (started.current === invitationId) return;
    started.current = invitationId;
    void join();
  }, [invitationId]);

  const switchAccount = async () => {
    await attempt(authClient.signOut());
    window.location.assign(withNext('/sign-in', `/invitations/${invitationId}`));
  };

  if (outcome.state === 'joining') {
    return (
      <Frame>
        <Stack align="center" role="status">
          <Loader aria-hidden />
          <Text>Joining the team…</Text>
        </Stack>
      </Frame>
    );
  }
  const notYours = outcome.code === 'NOT_FOUND';
  return (
    <Frame>
      <ErrorState
        title={notYours ? 'This invitation is not for this account' : 'The invitation could not be accepted'}
        message={
          notYours
            ? `You are signed in as ${email}. The invitation does not exist or was sent to another email address: sign in with that one.`
            : outcome.message
        }
        onRetry={outcome.code === 'NETWORK' || outcome.code === 'INTERNAL_SERVER_ERROR' ? join : undefined}
      >
        {notYours && (
          <Button size="xs" variant="white" color="red" onClick={switchAccount}>
            Sign in with another account
          </Button>
        )}
        <Button size="xs" variant="subtle" color="red" component={Link} to="/">
          Go to the console
        </Button>
      </ErrorState>
    </Frame>
  );
}

function Frame({ children }: { children: ReactNode }) {
  return (
    <Center mih="100vh" p="md">
      <Group justify="center" w="100%">
        {children}
      </Group>
    </Center>
  );
}
