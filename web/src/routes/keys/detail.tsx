import { Alert, Anchor, Badge, Breadcrumbs, Button, Group, List, Modal, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useClient, useQuery } from 'urql';
import { readFragment, type ResultOf } from '../../graphql';
import { EmptyPage } from '../../ui/empty-page';
import { apiError } from '../../ui/errors';
import { canManage, formatDate, formatDateTime } from '../../ui/format';
import { PageLoader, QueryError } from '../../ui/states';
import { DeleteKeyMutation, KeyDetailQuery, KeySummaryFragment, RegenerateKeyMutation, RevokeKeyMutation, UpdateKeyMutation } from './documents';
import { KeyForm, type KeyFormInput } from './key-form';
import { relativeTime, scopeLabel, type KeySummary } from './key-format';
import { RevealKeyModal } from './reveal-modal';
import { StatusBadge } from './status-badge';
import { UsageChart } from './usage-chart';

const context = { additionalTypenames: ['ApiKey', 'Trigger', 'ActionRun'] };

type Team = NonNullable<ResultOf<typeof KeyDetailQuery>['team']>;
type Detail = NonNullable<Team['apiKey']>;
type Trigger = Detail['triggers'][number];

const GRACE_OPTIONS = [
  { value: '0', label: 'None: the old secret stops at once' },
  { value: String(3600), label: '1 hour' },
  { value: String(24 * 3600), label: '24 hours' },
  { value: String(7 * 24 * 3600), label: '7 days' },
];

/** `/teams/:teamId/keys/:keyId`: one key, its grants, triggers and recent runs; owners and admins also manage it. */
export function Component() {
  const { teamId, keyId } = useParams() as { teamId: string; keyId: string };
  const [result, refetch] = useQuery({ query: KeyDetailQuery, variables: { teamId, keyId }, context, requestPolicy: 'cache-and-network' });
  const team = result.data?.team?.id === teamId ? result.data.team : null;
  const detail = team?.apiKey ?? null;
  const summary = detail ? readFragment(KeySummaryFragment, detail) : null;
  useDocumentTitle(summary ? `${summary.name} · API keys · Latchkey` : 'API key · Latchkey');
  const listPath = `/teams/${teamId}/keys`;

  if (!team || !detail || !summary) {
    if (!result.error && (result.fetching || !result.data)) return <PageLoader label="Loading the API key" />;
    if (result.error && apiError(result.error).code !== 'NOT_FOUND') {
      return <QueryError error={result.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
    }
    return (
      <EmptyPage
        title="API key not found"
        description="It was deleted, or it belongs to a team you are not part of."
        actions={
          <Button component={Link} to={team ? listPath : '/'}>
            {team ? 'Back to API keys' : 'Go to your teams'}
          </Button>
        }
      />
    );
  }

  return <KeyDetail team={team} detail={detail} apiKey={summary} listPath={listPath} />;
}

function KeyDetail({ team, detail, apiKey, listPath }: { team: Team; detail: Detail; apiKey: KeySummary; listPath: string }) {
  const manager = canManage(team.viewerRole);
  const client = useClient();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [dialog, setDialog] = useState<'regenerate' | 'revoke' | 'delete' | null>(null);
  const [revealed, setRevealed] = useState<string | null>(null);
  const connectionName = (id: string | null) => (id ? (team.connections.find((c) => c.id === id)?.name ?? 'A deleted connection') : null);

  const update = async (input: KeyFormInput) => {
    const result = await client.mutation(UpdateKeyMutation, { id: apiKey.id, input }, context).toPromise();
    if (result.error) return result.error;
    setEditing(false);
    notifications.show({ color: 'green', message: `“${input.name}” saved.` });
    return null;
  };

  if (editing) {
    return (
      <Stack gap="lg" maw={1100}>
        <Header apiKey={apiKey} listPath={listPath} crumb="Edit" />
        <KeyForm teamId={team.id} initial={apiKey} triggers={detail.triggers} submitLabel="Save changes" onSubmit={update} onCancel={() => setEditing(false)} />
      </Stack>
    );
  }

  return (
    <Stack gap="xl" maw={1100}>
      <Header apiKey={apiKey} listPath={listPath}>
        {manager && (
          <Group gap="sm">
            <Button variant="default" onClick={() => setEditing(true)}>
              Edit
            </Button>
            {apiKey.status !== 'REVOKED' && (
              <>
                <Button variant="default" onClick={() => setDialog('regenerate')}>
                  Regenerate
                </Button>
                <Button variant="light" color="red" onClick={() => setDialog('revoke')}>
                  Revoke
                </Button>
              </>
            )}
            <Button variant="filled" color="red" onClick={() => setDialog('delete')}>
              Delete
            </Button>
          </Group>
        )}
      </Header>

      <Paper withBorder p="md" component="section" aria-label="Key details">
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="md" verticalSpacing="md">
          <Fact label="Key">
            <Text ff="monospace">{apiKey.maskedKey}</Text>
          </Fact>
          <Fact label="Status">
            <StatusBadge status={apiKey.status} />
          </Fact>
          <Fact label="Scopes">{apiKey.scopes.map(scopeLabel).join(', ')}</Fact>
          <Fact label="Created">
            {formatDateTime(apiKey.createdAt)}
            {detail.createdBy ? ` by ${detail.createdBy.name}` : ''}
          </Fact>
          <Fact label="Expires">{apiKey.expiresAt ? `${formatDateTime(apiKey.expiresAt)} (${relativeTime(apiKey.expiresAt)})` : 'Never'}</Fact>
          <Fact label="Last used">{apiKey.lastUsedAt ? `${relativeTime(apiKey.lastUsedAt)} (${formatDateTime(apiKey.lastUsedAt)})` : 'never'}</Fact>
        </SimpleGrid>
      </Paper>

      <Section title="Usage" id="key-usage">
        <Text size="sm" c="dimmed">
          {usageSummary(apiKey.usage)}
        </Text>
        <Stack gap={4} maw={560}>
          <UsageChart days={apiKey.usage} width={560} height={80} />
          {apiKey.usage.length > 0 && (
            <Group justify="space-between" aria-hidden>
              <Text size="xs" c="dimmed">
                {formatDate(`${apiKey.usage[0]!.day}T12:00:00Z`)}
              </Text>
              <Text size="xs" c="dimmed">
                Today (UTC)
              </Text>
            </Group>
          )}
        </Stack>
      </Section>

      <Section title="Grants" id="key-grants">
        {apiKey.apps.length === 0 ? (
          <Text c="dimmed">No apps granted: this key reaches no component.</Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="sm" aria-label="Grants">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>App</Table.Th>
                  <Table.Th>Connection</Table.Th>
                  <Table.Th>Components</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {apiKey.apps.map((grant) => (
                  <Table.Tr key={grant.app.key}>
                    <Table.Td>{grant.app.name}</Table.Td>
                    <Table.Td>{connectionName(grant.connectionId) ?? <Text c="dimmed" span size="sm">Not needed</Text>}</Table.Td>
                    <Table.Td>
                      <Group gap={6}>
                        {grant.components.map((component) => (
                          <Badge key={component.key} variant="outline" color="gray" tt="none">
                            {component.key}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Section>

      <Section title="Triggers" id="key-triggers">
        {detail.triggers.length === 0 ? (
          <Text c="dimmed">This key has registered no triggers.</Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="sm" aria-label="Triggers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Component</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Registered</Table.Th>
                  <Table.Th>Last event</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {detail.triggers.map((trigger) => (
                  <Table.Tr key={trigger.id}>
                    <Table.Td ff="monospace">{trigger.component}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={trigger.status === 'ACTIVE' ? 'teal' : 'red'}>
                        {trigger.status === 'ACTIVE' ? 'Active' : 'Failed'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{formatDateTime(trigger.createdAt)}</Table.Td>
                    <Table.Td>{relativeTime(trigger.lastEventAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Section>

      <Section title="Recent runs" id="key-runs">
        {team.actionRuns.runs.length === 0 ? (
          <Text c="dimmed">This key has run no actions yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" aria-label="Recent runs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Component</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Started</Table.Th>
                  <Table.Th>Duration</Table.Th>
                  <Table.Th>Error</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {team.actionRuns.runs.map((run) => (
                  <Table.Tr key={run.id}>
                    <Table.Td ff="monospace">{run.component}</Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Badge variant="light" color={run.status === 'SUCCEEDED' ? 'teal' : 'red'}>
                          {run.status === 'SUCCEEDED' ? 'Succeeded' : 'Failed'}
                        </Badge>
                        {run.replayed && (
                          <Badge variant="outline" color="gray">
                            Replayed
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{relativeTime(run.startedAt)}</Table.Td>
                    <Table.Td>{run.durationMs} ms</Table.Td>
                    <Table.Td>{run.error ? `${run.error.code}: ${run.error.message}` : ''}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Anchor component={Link} to={`/teams/${team.id}/runs`} size="sm">
          All action runs of the team
        </Anchor>
      </Section>

      {manager && (
        <>
          <RegenerateModal
            opened={dialog === 'regenerate'}
            apiKey={apiKey}
            onClose={() => setDialog(null)}
            onRegenerated={(secret) => {
              setDialog(null);
              setRevealed(secret);
            }}
          />
          <RemoveModal
            mode="revoke"
            opened={dialog === 'revoke'}
            apiKey={apiKey}
            triggers={detail.triggers}
            onClose={() => setDialog(null)}
            onDone={() => {
              setDialog(null);
              notifications.show({ color: 'green', message: `“${apiKey.name}” revoked.` });
            }}
          />
          <RemoveModal
            mode="delete"
            opened={dialog === 'delete'}
            apiKey={apiKey}
            triggers={detail.triggers}
            onClose={() => setDialog(null)}
            onDone={() => {
              setDialog(null);
              notifications.show({ color: 'green', message: `“${apiKey.name}” deleted.` });
              navigate(listPath, { replace: true });
            }}
          />
          <RevealKeyModal secret={revealed} keyName={apiKey.name} regenerated onClose={() => setRevealed(null)} />
        </>
      )}
    </Stack>
  );
}

function usageSummary(days: KeySummary['usage']): string {
  const runs = days.reduce((sum, day) => sum + day.runs, 0);
  const failed = days.reduce((sum, day) => sum + day.failed, 0);
  if (runs === 0) return `No action runs in the last ${days.length} days.`;
  return `${runs} action ${runs === 1 ? 'run' : 'runs'} in the last ${days.length} days (UTC)${failed > 0 ? `, ${failed} failed` : ''}.`;
}

function Header({ apiKey, listPath, crumb, children }: { apiKey: KeySummary; listPath: string; crumb?: string; children?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end" gap="sm">
      <Stack gap={4}>
        <Breadcrumbs>
          <Anchor component={Link} to={listPath} size="sm">
            API keys
          </Anchor>
          <Text size="sm">{crumb ? `${apiKey.name}: ${crumb.toLowerCase()}` : apiKey.name}</Text>
        </Breadcrumbs>
        <Group gap="sm" align="center">
          <Title order={1} fz="h2">
            {crumb ? `Edit “${apiKey.name}”` : apiKey.name}
          </Title>
          {!crumb && <StatusBadge status={apiKey.status} />}
        </Group>
      </Stack>
      {children}
    </Group>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <Stack component="section" aria-labelledby={id} gap="sm">
      <Title order={2} fz="h4" id={id}>
        {title}
      </Title>
      {children}
    </Stack>
  );
}

function RegenerateModal({ opened, apiKey, onClose, onRegenerated }: { opened: boolean; apiKey: KeySummary; onClose: () => void; onRegenerated: (secret: string) => void }) {
  const client = useClient();
  const [grace, setGrace] = useState('0');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const close = () => {
    setGrace('0');
    setFailure(null);
    onClose();
  };
  const regenerate = async () => {
    setBusy(true);
    setFailure(null);
    const result = await client.mutation(RegenerateKeyMutation, { id: apiKey.id, graceSeconds: Number(grace) }, context).toPromise();
    setBusy(false);
    if (result.error || !result.data) {
      setFailure(result.error ? apiError(result.error).message : 'The key was not regenerated.');
      return;
    }
    setGrace('0');
    onRegenerated(result.data.regenerateApiKey.secret);
  };
  return (
    <Modal opened={opened} onClose={close} title={`Regenerate “${apiKey.name}”?`}>
      <Stack>
        {failure && (
          <Alert color="red" variant="light" role="alert">
            {failure}
          </Alert>
        )}
        <Text size="sm">
          The key gets a new secret, shown once. Its name, scopes, grants, expiry and triggers stay. Programs using the current secret ({apiKey.maskedKey}) must switch to the new one.
        </Text>
        <NativeSelect
          label="Grace period"
          description="How long the current secret keeps working beside the new one."
          data={GRACE_OPTIONS}
          value={grace}
          onChange={(event) => setGrace(event.currentTarget.value)}
          data-autofocus
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button onClick={regenerate} loading={busy}>
            Regenerate key
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Revoking or deleting a key also removes its triggers: the dialog lists them by component. */
function RemoveModal({
  mode,
  opened,
  apiKey,
  triggers,
  onClose,
  onDone,
}: {
  mode: 'revoke' | 'delete';
  opened: boolean;
  apiKey: KeySummary;
  triggers: Trigger[];
  onClose: () => void;
  onDone: () => void;
}) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const byComponent = [...triggers.reduce((counts, trigger) => counts.set(trigger.component, (counts.get(trigger.component) ?? 0) + 1), new Map<string, number>())].sort(([a], [b]) =>
    a.localeCompare(b),
  );
  const verb = mode === 'revoke' ? 'Revoke' : 'Delete';
  const close = () => {
    setFailure(null);
    onClose();
  };
  const confirm = async () => {
    setBusy(true);
    setFailure(null);
    const result =
      mode === 'revoke'
        ? await client.mutation(RevokeKeyMutation, { id: apiKey.id }, context).toPromise()
        : await client.mutation(DeleteKeyMutation, { id: apiKey.id }, context).toPromise();
    setBusy(false);
    if (result.error) {
      setFailure(apiError(result.error).message);
      return;
    }
    onDone();
  };
  return (
    <Modal opened={opened} onClose={close} title={`${verb} “${apiKey.name}”?`}>
      <Stack>
        {failure && (
          <Alert color="red" variant="light" role="alert">
            {failure}
          </Alert>
        )}
        <Text size="sm">
          {mode === 'revoke'
            ? 'Requests with this key fail from the next one on, and its open subscriptions close. The key stays listed as revoked; it cannot be turned back on.'
            : 'The key disappears from the team and requests with it fail from the next one on. Its past runs stay in the team’s run history.'}
        </Text>
        {byComponent.length > 0 ? (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Its {triggers.length === 1 ? 'trigger is' : `${triggers.length} triggers are`} removed too, with their stored events:
            </Text>
            <List size="sm" aria-label="Triggers removed">
              {byComponent.map(([component, count]) => (
                <List.Item key={component}>
                  <Text span ff="monospace" size="sm">
                    {component}
                  </Text>
                  {count > 1 ? ` (${count} triggers)` : ''}
                </List.Item>
              ))}
            </List>
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            The key has no triggers, so nothing else is removed.
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={busy} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={confirm} loading={busy}>
            {verb} key
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
