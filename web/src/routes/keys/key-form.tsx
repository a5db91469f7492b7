import { Alert, Anchor, Badge, Button, Checkbox, Fieldset, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useQuery, type CombinedError } from 'urql';
import type { ResultOf } from '../../graphql';
import { apiError } from '../../ui/errors';
import { PageLoader, QueryError } from '../../ui/states';
import { KeyFormOptionsQuery } from './documents';
import { SCOPES, fromLocalInput, scopeLabel, toLocalInput, type KeyScope, type KeySummary } from './key-format';

type Options = ResultOf<typeof KeyFormOptionsQuery>;
type CatalogApp = Options['apps'][number];
type TeamConnection = NonNullable<Options['team']>['connections'][number];

export interface KeyFormInput {
  name: string;
  scopes: KeyScope[];
  /** Absent when editing left the expiry as it was; null for no expiry. */
  expiresAt?: string | null;
  apps: { app: string; connectionId: string | null; components: string[] }[];
}

interface Grant {
  components: string[];
  connectionId: string;
}

interface KeyFormProps {
  teamId: string;
  /** The key being edited; a new key when absent. */
  initial?: KeySummary;
  /** The key's triggers (editing): removing an app from the grants removes its triggers, so the form says so. */
  triggers?: { component: string }[];
  submitLabel: string;
  /** Saves; resolves with the server's error when nothing was saved. */
  onSubmit: (input: KeyFormInput) => Promise<CombinedError | null>;
  onCancel: () => void;
}

const CONNECTION_STATUS: Record<TeamConnection['status'], string> = { ACTIVE: 'active', EXPIRED: 'expired', REVOKED: 'revoked', ERROR: 'failing' };

const connectionLabel = (connection: TeamConnection) =>
  `${connection.name} (${CONNECTION_STATUS[connection.status]}; ${connection.grantedPermissions.length > 0 ? connection.grantedPermissions.join(', ') : 'no permissions'})`;

/** Name, scopes, expiry and grants of a key: the same form creates and edits. */
export function KeyForm({ teamId, initial, triggers = [], submitLabel, onSubmit, onCancel }: KeyFormProps) {
  const [options, refetch] = useQuery({ query: KeyFormOptionsQuery, variables: { teamId }, requestPolicy: 'cache-and-network' });
  const [name, setName] = useState(initial?.name ?? '');
  const [scopes, setScopes] = useState<KeyScope[]>(initial?.scopes ?? ['READ']);
  const [expiresAt, setExpiresAt] = useState(toLocalInput(initial?.expiresAt));
  const [chosen, setChosen] = useState<string[]>(initial?.apps.map((grant) => grant.app.key) ?? []);
  const [grants, setGrants] = useState<Record<string, Grant>>(() =>
    Object.fromEntries((initial?.apps ?? []).map((grant) => [grant.app.key, { components: grant.components.map((c) => c.key), connectionId: grant.connectionId ?? '' }])),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  // After a refused save, the first field in error takes the focus (it may be far from the button).
  const [focusRequest, setFocusRequest] = useState(0);
  const focusFirstError = () => setFocusRequest((n) => n + 1);
  useEffect(() => {
    if (focusRequest > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest]);

  if (!options.data) {
    if (options.error) return <QueryError error={options.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
    return <PageLoader label="Loading apps and connections" />;
  }
  const catalog = options.data.apps;
  const connections = options.data.team?.connections ?? [];

  const grantOf = (app: string): Grant => grants[app] ?? { components: [], connectionId: '' };
  const setGrant = (app: string, change: Partial<Grant>) => {
    setGrants((current) => ({ ...current, [app]: { ...(current[app] ?? { components: [], connectionId: '' }), ...change } }));
    setErrors((current) => {
      const next = { ...current };
      for (const field of Object.keys(change)) delete next[`apps.${app}.${field}`];
      return next;
    });
  };
  const clearError = (field: string) =>
    setErrors((current) => {
      if (!(field in current)) return current;
      const next = { ...current };
      delete next[field];
      return next;
    });

  const chosenApps = catalog.filter((app) => chosen.includes(app.key));
  const lostTriggers = triggers.filter((trigger) => {
    const app = trigger.component.split('.')[0]!;
    return !chosen.includes(app) || !grantOf(app).components.includes(trigger.component);
  });

  const validate = (): Record<string, string> => {
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = 'Give the key a name.';
    if (scopes.length === 0) found.scopes = 'Choose at least one scope.';
    const expiryUnchanged = !!initial && expiresAt === toLocalInput(initial.expiresAt);
    if (expiresAt && !expiryUnchanged) {
      const at = fromLocalInput(expiresAt);
      if (!at) found.expiresAt = 'Enter a date and time.';
      else if (new Date(at).getTime() <= Date.now()) found.expiresAt = 'Choose a time in the future.';
    }
    for (const app of chosenApps) {
      const grant = grantOf(app.key);
      if (grant.components.length === 0) found[`apps.${app.key}.components`] = `Choose at least one ${app.name} component.`;
      if (app.needsConnection && !grant.connectionId) found[`apps.${app.key}.connectionId`] = `Choose the ${app.name} connection this key acts through.`;
    }
    return found;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setFailure('Nothing was saved. Correct the fields marked below.');
      focusFirstError();
      return;
    }
    const apps = chosenApps.map((app) => {
      const grant = grantOf(app.key);
      const components = app.components.map((c) => c.key).filter((key) => grant.components.includes(key));
      return { app: app.key, connectionId: app.needsConnection ? grant.connectionId : null, components };
    });
    setSaving(true);
    // An edit that leaves the expiry alone does not send it (an expired key can still be renamed).
    const expiry = initial && expiresAt === toLocalInput(initial.expiresAt) ? {} : { expiresAt: fromLocalInput(expiresAt) };
    const error = await onSubmit({ name: name.trim(), scopes: SCOPES.map((s) => s.value).filter((s) => scopes.includes(s)), ...expiry, apps });
    setSaving(false);
    if (!error) return;
    const { code, message, issues } = apiError(error);
    // Issue paths look like ["input", "apps", 0, "connectionId"]; the index is the grant sent at that position.
    const fieldOf = (path: readonly (string | number)[]): string | null => {
      const rest = path[0] === 'input' ? path.slice(1) : path;
      if (rest[0] === 'apps' && typeof rest[1] === 'number') {
        const app = apps[rest[1]]?.app;
        const field = rest[2] === 'connectionId' ? 'connectionId' : 'components';
        return app ? `apps.${app}.${field}` : null;
      }
      return typeof rest[0] === 'string' && ['name', 'scopes', 'expiresAt'].includes(rest[0]) ? rest[0] : null;
    };
    const serverErrors: Record<string, string> = {};
    if (code === 'BAD_USER_INPUT') {
      for (const issue of issues) {
        const field = fieldOf(issue.path);
        if (field) serverErrors[field] ??= issue.message;
      }
    } else if (code === 'CONNECTION_INVALID') {
      const path = error.graphQLErrors[0]?.extensions?.path;
      const field = Array.isArray(path) ? fieldOf(path as (string | number)[]) : null;
      if (field) serverErrors[field] = message;
    }
    setErrors(serverErrors);
    setFailure(Object.keys(serverErrors).length > 0 ? 'Nothing was saved. Correct the fields marked below.' : message);
    if (Object.keys(serverErrors).length > 0) focusFirstError();
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label={submitLabel}>
      <Stack gap="lg" maw={760}>
        {failure && (
          <Alert color="red" variant="light" role="alert">
            {failure}
          </Alert>
        )}
        <TextInput
          label="Name"
          description="Who or what uses this key, e.g. “Billing service”."
          required
          maxLength={100}
          value={name}
          onChange={(event) => {
            setName(event.currentTarget.value);
            clearError('name');
          }}
          error={errors.name}
          data-autofocus
        />

        <Checkbox.Group
          label="Scopes"
          description="Each scope is independent: a key that only writes does not read."
          required
          value={scopes}
          onChange={(value) => {
            setScopes(value as KeyScope[]);
            clearError('scopes');
          }}
          error={errors.scopes}
        >
          <Stack gap="xs" mt="xs">
            {SCOPES.map((scope) => (
              <Checkbox key={scope.value} value={scope.value} label={scope.label} description={scope.description} />
            ))}
          </Stack>
        </Checkbox.Group>

        <TextInput
          type="datetime-local"
          label="Expires"
          description="Optional, in your local time. Leave empty for a key that does not expire."
          value={expiresAt}
          min={toLocalInput(new Date().toISOString())}
          onChange={(event) => {
            setExpiresAt(event.currentTarget.value);
            clearError('expiresAt');
          }}
          error={errors.expiresAt}
          maw={320}
        />

        <Checkbox.Group
          label="Apps"
          description="The key reaches only the components you grant below; everything else stays invisible to it."
          value={chosen}
          onChange={setChosen}
        >
          <Stack gap="xs" mt="xs">
            {catalog.map((app) => (
              <Checkbox
                key={app.key}
                value={app.key}
                label={app.name}
                description={app.needsConnection ? `${app.description} Acts through one of the team's ${app.name} connections.` : app.description}
              />
            ))}
          </Stack>
        </Checkbox.Group>

        {chosenApps.map((app) => (
          <AppGrantFields
            key={app.key}
            teamId={teamId}
            app={app}
            grant={grantOf(app.key)}
            scopes={scopes}
            connections={connections.filter((connection) => connection.app.key === app.key)}
            errors={errors}
            onChange={(change) => setGrant(app.key, change)}
          />
        ))}

        {lostTriggers.length > 0 && (
          <Alert color="yellow" variant="light" title="Saving removes triggers">
            This key no longer grants {[...new Set(lostTriggers.map((trigger) => trigger.component))].join(', ')}: its {lostTriggers.length === 1 ? 'trigger' : `${lostTriggers.length} triggers`} of{' '}
            {lostTriggers.length === 1 ? 'that component is' : 'those components are'} removed with their stored events when you save.
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={saving}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface AppGrantFieldsProps {
  teamId: string;
  app: CatalogApp;
  grant: Grant;
  scopes: KeyScope[];
  connections: TeamConnection[];
  errors: Record<string, string>;
  onChange: (change: Partial<Grant>) => void;
}

function AppGrantFields({ teamId, app, grant, scopes, connections, errors, onChange }: AppGrantFieldsProps) {
  const selected = connections.find((connection) => connection.id === grant.connectionId);
  const required = [...new Set(app.components.filter((c) => grant.components.includes(c.key)).flatMap((c) => c.requiredPermissions))].sort();
  return (
    <Fieldset legend={`${app.name} grant`} variant="filled">
      <Stack gap="md">
        <Checkbox.Group
          label={`${app.name} components`}
          value={grant.components}
          onChange={(components) => onChange({ components })}
          error={errors[`apps.${app.key}.components`]}
        >
          <Stack gap="sm" mt="xs">
            {app.components.map((component) => (
              <Checkbox
                key={component.key}
                value={component.key}
                label={component.key}
                description={
                  <Stack gap={4} component="span">
                    <span>{component.description}</span>
                    <Group gap={6} component="span">
                      <Badge size="sm" variant="outline" color="gray">
                        {component.kind === 'ACTION' ? 'Action' : 'Trigger'}
                      </Badge>
                      <Badge size="sm" variant="light" color={scopes.includes(component.scope) ? 'indigo' : 'orange'}>
                        {scopes.includes(component.scope) ? `Needs ${scopeLabel(component.scope)}` : `Needs ${scopeLabel(component.scope)} (not chosen)`}
                      </Badge>
                      {component.requiredPermissions.length > 0 && (
                        <Text span size="xs" c="dimmed">
                          Connection permissions: {component.requiredPermissions.join(', ')}
                        </Text>
                      )}
                    </Group>
                  </Stack>
                }
              />
            ))}
          </Stack>
        </Checkbox.Group>

        {app.needsConnection && (
          <Stack gap={4}>
            <NativeSelect
              label={`${app.name} connection`}
              required
              value={grant.connectionId}
              onChange={(event) => onChange({ connectionId: event.currentTarget.value })}
              data={[{ value: '', label: connections.length > 0 ? 'Choose a connection' : 'No connections yet' }, ...connections.map((c) => ({ value: c.id, label: connectionLabel(c) }))]}
              description={
                selected
                  ? `Status: ${CONNECTION_STATUS[selected.status]}. Granted: ${selected.grantedPermissions.join(', ') || 'nothing'}.${required.length > 0 ? ` The chosen components need: ${required.join(', ')}.` : ''}`
                  : `The ${app.name} account this key acts on.`
              }
              error={errors[`apps.${app.key}.connectionId`]}
              maw={480}
            />
            {connections.length === 0 && (
              <Text size="sm">
                The team has no {app.name} connection yet.{' '}
                <Anchor component={Link} to={`/teams/${teamId}/connections`}>
                  Add one on the Connections page
                </Anchor>
                .
              </Text>
            )}
          </Stack>
        )}
      </Stack>
    </Fieldset>
  );
}
