import { NavLink, Stack } from '@mantine/core';
import { Link, useLocation } from 'react-router';

/** The sections of a team. A new feature adds its entry here (and its routes in router.tsx). */
const SECTIONS = [
  { label: 'Overview', path: '' },
  { label: 'API keys', path: 'keys' },
  { label: 'Connections', path: 'connections' },
  { label: 'Components', path: 'components' },
  { label: 'Live events', path: 'events' },
  { label: 'Action runs', path: 'runs' },
  { label: 'Audit log', path: 'audit' },
];

export function TeamNav({ teamId, onNavigate }: { teamId: string; onNavigate: () => void }) {
  const { pathname } = useLocation();
  return (
    <Stack component="nav" aria-label="Team" gap={2}>
      {SECTIONS.map((section) => {
        const to = `/teams/${teamId}${section.path && `/${section.path}`}`;
        const active = pathname === to || (section.path !== '' && pathname.startsWith(`${to}/`));
        return <NavLink key={to} component={Link} to={to} label={section.label} active={active} aria-current={active ? 'page' : undefined} onClick={onNavigate} />;
      })}
    </Stack>
  );
}
