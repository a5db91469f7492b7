import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { apiError } from '../../ui/errors';
import { chosenSchema, collectValues, errorsFromIssues, initialValues, SchemaForm, validateValues, type SchemaErrors, type SchemaValues } from '../../ui/schema-form';
import { asSchema } from '../../ui/schema-view';
import { PageLoader, QueryError } from '../../ui/states';
import { ConnectableAppsQuery, CreateConnectionMutation, type ConnectableApp } from './documents';

/**
 * Connects an account: pick the app, name the connection, fill the credentials its schema asks for.
 * Latchkey checks them with the provider before saving. The form lives only while the dialog is
 * open, so typed credentials are gone once it closes.
 */
export function NewConnectionModal({ teamId, opened, onClose }: { teamId: string; opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="New connection" size="lg">
      {opened && <NewConnectionForm teamId={teamId} onDone={onClose} />}
    </Modal>
  );
}

function NewConnectionForm({ teamId, onDone }: { teamId: string; onDone: () => void }) {
  const [appsResult, refetchApps] = useQuery({ query: ConnectableAppsQuery });
  const [creating, create] = useMutation(CreateConnectionMutation);
  const [appKey, setAppKey] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [values, setValues] = useState<SchemaValues>({});
  const [alternative, setAlternative] = useState(0);
  const [errors, setErrors] = useState<SchemaErrors>({});
  const [failure, setFailure] = useState<string | null>(null);

  if (!appsResult.data) {
    if (appsResult.error) return <QueryError error={appsResult.error} onRetry={() => refetchApps({ requestPolicy: 'network-only' })} />;
    return <PageLoader label="Loading the apps" />;
  }
  const apps = appsResult.data.apps.filter((app) => app.needsConnection);
  const app: ConnectableApp | undefined = apps.find((candidate) => candidate.key === appKey);
  const schema = asSchema(app?.connectionSchema);

  const chooseApp = (key: string | null) => {
    setAppKey(key);
    const next = apps.find((candidate) => candidate.key === key);
    setValues(next ? initialValues(asSchema(next.connectionSchema)) : {});
    setAlternative(0);
    setErrors({});
    setFailure(null);
  };

  const chooseAlternative = (index: number) => {
    setAlternative(index);
    setErrors({});
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const filled = chosenSchema(schema, alternative);
    const found: SchemaErrors = { ...validateValues(filled, values) };
    if (!app) found.app = 'Choose the app to connect.';
    if (!name.trim()) found.name = 'Give the connection a name.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;

    const result = await create({ input: { teamId, app: app!.key, name: name.trim(), credentials: collectValues(filled, values) } });
    if (result.error) {
      const { code, message, issues } = apiError(result.error);
      if (code === 'BAD_USER_INPUT' && issues.length > 0) {
        const credentials = errorsFromIssues(
          issues.filter((issue) => issue.path[1] === 'credentials'),
          ['input', 'credentials'],
        );
        const top = errorsFromIssues(
          issues.filter((issue) => issue.path[1] !== 'credentials'),
          ['input'],
        );
        // Issues about fields on screen go under them; the rest (e.g. another alternative's) into the alert.
        const onScreen = (path: string) => path === 'app' || path === 'name' || path.split('.')[0]! in (filled.properties ?? {});
        const all = { ...top.fields, ...credentials.fields };
        const shown = Object.fromEntries(Object.entries(all).filter(([path]) => onScreen(path)));
        const otherAlternative = (path: string) => (schema.oneOf ?? []).some((alt) => path.split('.')[0]! in (asSchema(alt).properties ?? {}));
        const others = [...Object.entries(all).filter(([path]) => !onScreen(path) && !otherAlternative(path)).map(([path, text]) => `${path}: ${text}`), ...top.rest, ...credentials.rest];
        setErrors(shown);
        setFailure(Object.keys(shown).length === 0 || others.length > 0 ? [message, ...others].join(' · ') : null);
      } else {
        setFailure(message);
      }
      return;
    }
    const created = result.data?.createConnection;
    notifications.show({ color: 'teal', title: 'Connection created', message: created ? `${created.app.name} granted ${created.name}: ${created.grantedPermissions.join(', ') || 'no permissions'}.` : undefined });
    onDone();
  };

  const busy = creating.fetching;
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {failure && (
          <Alert color="red" variant="light" role="alert" title="Not connected">
            {failure}
          </Alert>
        )}
        <Select
          label="App"
          placeholder="Choose an app"
          required
          data={apps.map((candidate) => ({ value: candidate.key, label: candidate.name }))}
          value={appKey}
          onChange={chooseApp}
          description={app?.description}
          error={errors.app}
          disabled={busy}
          data-autofocus
        />
        <TextInput
          label="Name"
          description="How keys and people will recognise this account, e.g. “Linear (engineering)”."
          required
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={errors.name}
          disabled={busy}
          maxLength={100}
        />
        {app && <SchemaForm schema={schema} values={values} onChange={setValues} errors={errors} alternative={alternative} onAlternativeChange={chooseAlternative} disabled={busy} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Connect
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
