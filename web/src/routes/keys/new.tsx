import { Anchor, Breadcrumbs, Button, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useClient, useQuery } from 'urql';
import { readFragment } from '../../graphql';
import { EmptyPage } from '../../ui/empty-page';
import { canManage } from '../../ui/format';
import { PageLoader, QueryError } from '../../ui/states';
import { TeamNotFound } from '../../ui/team-states';
import { CreateKeyMutation, KeyFormOptionsQuery, KeySummaryFragment } from './documents';
import { KeyForm, type KeyFormInput } from './key-form';
import { RevealKeyModal } from './reveal-modal';

const context = { additionalTypenames: ['ApiKey'] };

/** `/teams/:teamId/keys/new`: owners and admins create a key, then see its secret once. */
export function Component() {
  const teamId = useParams().teamId!;
  const navigate = useNavigate();
  const client = useClient();
  useDocumentTitle('Create API key · Latchkey');
  const [options, refetch] = useQuery({ query: KeyFormOptionsQuery, variables: { teamId } });
  const [created, setCreated] = useState<{ id: string; name: string; secret: string } | null>(null);
  const listPath = `/teams/${teamId}/keys`;

  if (!options.data) {
    if (options.error) return <QueryError error={options.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
    return <PageLoader label="Loading" />;
  }
  const team = options.data.team;
  if (!team) {
    return <TeamNotFound />;
  }
  if (!canManage(team.viewerRole)) {
    return (
      <EmptyPage
        title="Only owners and admins create keys"
        description="Ask an owner or admin of this team for a key."
        actions={<Button component={Link} to={listPath}>Back to API keys</Button>}
      />
    );
  }

  const create = async (input: KeyFormInput) => {
    // Not useMutation: the secret must not outlive the reveal dialog in any hook state.
    const result = await client.mutation(CreateKeyMutation, { input: { teamId, ...input } }, context).toPromise();
    if (result.error || !result.data) return result.error ?? null;
    const key = readFragment(KeySummaryFragment, result.data.createApiKey.apiKey);
    setCreated({ id: key.id, name: key.name, secret: result.data.createApiKey.secret });
    return null;
  };

  return (
    <Stack gap="lg" maw={1100}>
      <Stack gap={4}>
        <Breadcrumbs>
          <Anchor component={Link} to={listPath} size="sm">
            API keys
          </Anchor>
          <Text size="sm">New key</Text>
        </Breadcrumbs>
        <Title order={1} fz="h2">
          Create API key
        </Title>
        <Text c="dimmed" size="sm">
          A key reaches only the apps and components granted here, with the scopes chosen. Its secret is shown once, right after creation.
        </Text>
      </Stack>
      <KeyForm teamId={teamId} submitLabel="Create API key" onSubmit={create} onCancel={() => navigate(listPath)} />
      <RevealKeyModal
        secret={created?.secret ?? null}
        keyName={created?.name ?? ''}
        onClose={() => {
          setCreated(null);
          navigate(listPath, { replace: true });
        }}
      />
    </Stack>
  );
}
