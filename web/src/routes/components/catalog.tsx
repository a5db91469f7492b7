import { Badge, Button, Code, Group, Paper, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useId } from 'react';
import { useQuery } from 'urql';
import { SchemaView } from '../../ui/schema-view';
import { PageLoader, QueryError } from '../../ui/states';
import { useUrlFilters } from '../../ui/url-filters';
import { CatalogQuery, type CatalogApp, type CatalogComponent } from './documents';

type Kind = CatalogComponent['kind'];
const KINDS: { value: 'ALL' | Kind; label: string }[] = [
  { value: 'ALL', label: 'All' },
  { value: 'ACTION', label: 'Actions' },
  { value: 'TRIGGER', label: 'Triggers' },
];

/** `/teams/:teamId/components`: every component a key can be granted, by app, with its input and output shapes. */
export function Component() {
  useDocumentTitle('Components · Latchkey');
  const [result, refetch] = useQuery({ query: CatalogQuery });
  const { params, setFilter, clearFilters } = useUrlFilters();
  const appFilter = params.get('app');
  const kindFilter = (params.get('kind') as Kind | null) ?? 'ALL';
  const search = params.get('q') ?? '';

  if (!result.data) {
    if (result.error) return <QueryError error={result.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
    return <PageLoader label="Loading the components" />;
  }

  const needle = search.trim().toLowerCase();
  const matches = (component: CatalogComponent) =>
    (kindFilter === 'ALL' || component.kind === kindFilter) && (!needle || `${component.key} ${component.description}`.toLowerCase().includes(needle));
  const apps = result.data.apps
    .filter((app) => !appFilter || app.key === appFilter)
    .map((app) => ({ ...app, components: app.components.filter(matches) }))
    .filter((app) => app.components.length > 0);
  const filtered = Boolean(appFilter || kindFilter !== 'ALL' || needle);

  return (
    <Stack gap="lg" maw={1100}>
      <Stack gap={4}>
        <Title order={1} fz="h2">
          Components
        </Title>
        <Text c="dimmed" size="sm" maw={720}>
          What a key can be granted. Actions run with <Code>runAction</Code>; triggers are registered with <Code>registerTrigger</Code> and deliver events. Each
          needs its scope on the key and, for apps with accounts, the permissions on the key’s connection.
        </Text>
      </Stack>

      <Group gap="md" align="flex-end">
        <Select
          label="App"
          placeholder="All apps"
          data={result.data.apps.map((app) => ({ value: app.key, label: app.name }))}
          value={appFilter}
          onChange={(value) => setFilter('app', value)}
          clearable
          w={200}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="kind-filter-label">
            Kind
          </Text>
          <SegmentedControl aria-labelledby="kind-filter-label" data={KINDS} value={kindFilter} onChange={(value) => setFilter('kind', value === 'ALL' ? null : value)} />
        </Stack>
        <TextInput label="Search" placeholder="key or description" value={search} onChange={(event) => setFilter('q', event.currentTarget.value)} w={240} type="search" />
      </Group>

      {apps.length === 0 ? (
        <Paper withBorder p="xl" radius="md">
          <Stack align="center" gap="sm">
            <Text fw={600}>{filtered ? 'No component matches these filters.' : 'The catalog is empty.'}</Text>
            {filtered && (
              <Button variant="default" onClick={clearFilters}>
                Clear filters
              </Button>
            )}
          </Stack>
        </Paper>
      ) : (
        apps.map((app) => <AppSection key={app.key} app={app} />)
      )}
    </Stack>
  );
}

function AppSection({ app }: { app: CatalogApp }) {
  const titleId = useId();
  return (
    <Stack component="section" aria-labelledby={titleId} gap="sm">
      <Stack gap={2}>
        <Group gap="sm">
          <Title order={2} fz="h3" id={titleId}>
            {app.name}
          </Title>
          <Badge variant="light" color={app.needsConnection ? 'violet' : 'gray'} tt="none">
            {app.needsConnection ? 'uses a connection' : 'no account needed'}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {app.description}
        </Text>
      </Stack>
      {app.components.map((component) => (
        <ComponentCard key={component.key} component={component} />
      ))}
    </Stack>
  );
}

function ComponentCard({ component }: { component: CatalogComponent }) {
  const titleId = useId();
  const trigger = component.kind === 'TRIGGER';
  return (
    <Paper component="article" aria-labelledby={titleId} withBorder radius="md" p="md">
      <Stack gap="sm">
        <Stack gap={4}>
          <Group gap="xs" wrap="wrap">
            <Title order={3} fz="h5" id={titleId} ff="monospace">
              {component.key}
            </Title>
            <Badge variant="filled" color={trigger ? 'grape' : 'blue'} aria-label={`Kind: ${trigger ? 'trigger' : 'action'}`}>
              {trigger ? 'Trigger' : 'Action'}
            </Badge>
            <Badge variant="light" color="gray" tt="none">
              scope {component.scope}
            </Badge>
            {component.requiredPermissions.length > 0 ? (
              <Badge variant="outline" color="orange" tt="none">
                needs {component.requiredPermissions.join(', ')}
              </Badge>
            ) : null}
          </Group>
          <Text size="sm">{component.description}</Text>
        </Stack>
        <Stack gap="md">
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              {trigger ? 'Trigger config' : 'Input'}
            </Text>
            <SchemaView schema={component.inputSchema} label={`${component.key} ${trigger ? 'config' : 'input'}`} />
          </Stack>
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              {trigger ? 'Event payload' : 'Output'}
            </Text>
            <SchemaView schema={component.outputSchema} label={`${component.key} ${trigger ? 'event payload' : 'output'}`} />
          </Stack>
        </Stack>
      </Stack>
    </Paper>
  );
}
