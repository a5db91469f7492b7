import { Button, Code, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { Fragment, useState } from 'react';
import { useParams } from 'react-router';
import type { ResultOf } from '../../graphql';
import { EmptyPage } from '../../ui/empty-page';
import { apiError } from '../../ui/errors';
import { JsonView } from '../../ui/json-view';
import { LoadMore } from '../../ui/load-more';
import { RelativeTime } from '../../ui/relative-time';
import { PageLoader, QueryError } from '../../ui/states';
import { TeamNotFound } from '../../ui/team-states';
import { usePages } from '../runs/use-pages';
import { AuditLogQuery } from './documents';

type Entry = NonNullable<ResultOf<typeof AuditLogQuery>['team']>['auditLog']['entries'][number];

const PAGE_SIZE = 30;

/** `/teams/:teamId/audit`: every management change in the team — who, what, which target, when, from where. */
export function Component() {
  const teamId = useParams().teamId!;
  useDocumentTitle('Audit log · Latchkey');
  const pages = usePages(AuditLogQuery, { teamId, first: PAGE_SIZE }, (data) =>
    data.team?.id === teamId ? { items: data.team.auditLog.entries, endCursor: data.team.auditLog.endCursor, hasMore: data.team.auditLog.hasMore } : null,
  );

  if (pages.first === undefined) {
    if (pages.error && apiError(pages.error).code !== 'NOT_FOUND') return <QueryError error={pages.error} onRetry={pages.refresh} />;
    if (!pages.error) return <PageLoader label="Loading the audit log" />;
  }
  if (!pages.first) return <TeamNotFound />;

  return (
    <Stack gap="lg" maw={1200}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <Title order={1} fz="h2">
            Audit log
          </Title>
          <Text c="dimmed" size="sm">
            Every change made to the team’s keys, connections and members, newest first.
          </Text>
        </Stack>
        <Button variant="subtle" size="xs" onClick={pages.refresh} loading={pages.fetching}>
          Refresh
        </Button>
      </Group>
      {pages.items.length === 0 ? (
        <EmptyPage title="Nothing recorded yet" description="Creating a key, connecting an account or inviting a member is recorded here, with who did it and from where." />
      ) : (
        <Stack gap="sm">
          <Table.ScrollContainer minWidth={700}>
            <Table verticalSpacing="sm" aria-label="Audit log">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th>From</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Details</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {pages.items.map((entry) => (
                  <EntryRow key={entry.id} entry={entry} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore hasMore={pages.hasMore} loading={pages.loadingMore} error={pages.moreError} onLoad={pages.loadMore} />
        </Stack>
      )}
    </Stack>
  );
}

function Actor({ entry }: { entry: Entry }) {
  if (entry.actor) {
    return (
      <Stack gap={0}>
        <Text size="sm">{entry.actor.name || entry.actor.email}</Text>
        {entry.actor.name && (
          <Text size="xs" c="dimmed">
            {entry.actor.email}
          </Text>
        )}
      </Stack>
    );
  }
  // The account is gone (its email was kept), or Latchkey itself acted, e.g. a directory sync.
  if (entry.actorEmail) return <Text size="sm">{entry.actorEmail}</Text>;
  return (
    <Text size="sm" c="dimmed" fs="italic">
      system
    </Text>
  );
}

function EntryRow({ entry }: { entry: Entry }) {
  const [open, setOpen] = useState(false);
  const hasDetails = entry.details !== null && entry.details !== undefined;
  const detailsId = `audit-details-${entry.id}`;
  return (
    <Fragment>
      <Table.Tr>
        <Table.Td>
          <RelativeTime iso={entry.createdAt} />
        </Table.Td>
        <Table.Td>
          <Actor entry={entry} />
        </Table.Td>
        <Table.Td>
          <Code>{entry.action}</Code>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{entry.targetType}</Text>
          {entry.targetId && (
            <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
              {entry.targetId}
            </Text>
          )}
        </Table.Td>
        <Table.Td>
          <Text size="sm" ff="monospace">
            {entry.ip ?? '—'}
          </Text>
        </Table.Td>
        <Table.Td w={1}>
          {hasDetails && (
            <Button
              variant="subtle"
              size="compact-sm"
              onClick={() => setOpen((value) => !value)}
              aria-expanded={open}
              aria-controls={open ? detailsId : undefined}
              aria-label={`${open ? 'Hide' : 'Show'} details of ${entry.action}`}
            >
              {open ? 'Hide' : 'Details'}
            </Button>
          )}
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr id={detailsId}>
          <Table.Td colSpan={6}>
            <JsonView value={entry.details} label={`Details of ${entry.action}`} />
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}
