import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { isEmail, isNotEmpty, useForm } from '@mantine/form';
import { useDocumentTitle } from '@mantine/hooks';
import { useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { attempt, authClient, describeAuthFailure } from '../../auth';
import { safeNext, useViewer, withNext } from '../../session';
import { useResetGraphQL } from '../../urql';
import { AuthLayout } from './auth-layout';

export function Component() {
  useDocumentTitle('Sign in · Latchkey');
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const resetGraphQL = useResetGraphQL();
  const { viewer } = useViewer();
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: '', password: '' },
    validate: { email: isEmail('Enter your email address.'), password: isNotEmpty('Enter your password.') },
  });

  if (viewer) return <Navigate to={next} replace />;

  const submit = form.onSubmit(async ({ email, password }) => {
    setFailure(null);
    const error = await attempt(authClient.signIn.email({ email: email.trim(), password }));
    if (error) {
      const { field, message } = describeAuthFailure(error);
      if (field) form.setFieldError(field, message);
      else setFailure(message);
      return;
    }
    resetGraphQL();
    navigate(next, { replace: true });
  });

  return (
    <AuthLayout
      title="Sign in"
      subtitle="Manage your team's API keys."
      footer={
        <>
          New to Latchkey?{' '}
          <Anchor component={Link} to={withNext('/sign-up', next)}>
            Create an account
          </Anchor>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {failure && (
            <Alert color="red" variant="light" role="alert" title="Could not sign in">
              {failure}
            </Alert>
          )}
          <TextInput label="Email" type="email" autoComplete="email" required key={form.key('email')} {...form.getInputProps('email')} autoFocus />
          <PasswordInput label="Password" autoComplete="current-password" required key={form.key('password')} {...form.getInputProps('password')} />
          <Button type="submit" loading={form.submitting} fullWidth>
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
