import { NavLink, Stack } from '@mantine/core';
import { Link, useLocation } from 'react-router';

/** The sections of a team. A new feature (API keys, connections, events) adds its entry here. */
const SECTIONS = [{ label: 'Overview', path: '' }];

export function TeamNav({ teamId, onNavigate }: { teamId: string; onNavigate: () => void }) {
  const { pathname } = useLocation();
  return (
    <Stack component="nav" aria-label="Team" gap={2}>
      {SECTIONS.map((section) => {
        const to = `/teams/${teamId}${section.path && `/${section.path}`}`;
        const active = pathname === to;
        return <NavLink key={to} component={Link} to={to} label={section.label} active={active} aria-current={active ? 'page' : undefined} onClick={onNavigate} />;
      })}
    </Stack>
  );
}
