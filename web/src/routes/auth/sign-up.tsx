import { Alert, Anchor, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { hasLength, isEmail, useForm } from '@mantine/form';
import { useDocumentTitle } from '@mantine/hooks';
import { useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { attempt, authClient, describeAuthFailure, PASSWORD_MAX, PASSWORD_MIN } from '../../auth';
import { safeNext, useViewer, withNext } from '../../session';
import { useResetGraphQL } from '../../urql';
import { AuthLayout } from './auth-layout';

export function Component() {
  useDocumentTitle('Create an account · Latchkey');
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const resetGraphQL = useResetGraphQL();
  const { viewer } = useViewer();
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: '', email: '', password: '' },
    validate: {
      name: hasLength({ min: 1, max: 100 }, 'Enter your name (up to 100 characters).'),
      email: isEmail('Enter a valid email address.'),
      password: hasLength({ min: PASSWORD_MIN, max: PASSWORD_MAX }, `Use ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`),
    },
    transformValues: (values) => ({ ...values, name: values.name.trim(), email: values.email.trim() }),
  });

  if (viewer) return <Navigate to={next} replace />;

  const submit = form.onSubmit(async (values) => {
    setFailure(null);
    const error = await attempt(authClient.signUp.email(values));
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
      title="Create your account"
      subtitle="Then create a team, or open the invitation link you were given."
      footer={
        <>
          Already have an account?{' '}
          <Anchor component={Link} to={withNext('/sign-in', next)}>
            Sign in
          </Anchor>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {failure && (
            <Alert color="red" variant="light" role="alert" title="Could not create the account">
              {failure}
            </Alert>
          )}
          <TextInput label="Name" autoComplete="name" required key={form.key('name')} {...form.getInputProps('name')} autoFocus />
          <TextInput label="Email" type="email" autoComplete="email" required key={form.key('email')} {...form.getInputProps('email')} />
          <PasswordInput
            label="Password"
            description={`At least ${PASSWORD_MIN} characters.`}
            autoComplete="new-password"
            required
            key={form.key('password')}
            {...form.getInputProps('password')}
          />
          <Button type="submit" loading={form.submitting} fullWidth>
            Create account
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
