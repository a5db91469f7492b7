import type { ViewerTeam } from '../session';

export type TeamRole = ViewerTeam['viewerRole'];

const ROLE_LABELS: Record<TeamRole, string> = { OWNER: 'Owner', ADMIN: 'Admin', MEMBER: 'Member' };
const ROLE_COLORS: Record<TeamRole, string> = { OWNER: 'grape', ADMIN: 'blue', MEMBER: 'gray' };

export const roleLabel = (role: TeamRole) => ROLE_LABELS[role];
export const roleColor = (role: TeamRole) => ROLE_COLORS[role];

/** Owners and admins manage keys, connections and members; members read. */
export const canManage = (role: TeamRole) => role === 'OWNER' || role === 'ADMIN';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatDate = (iso: string) => dateFormat.format(new Date(iso));
export const formatDateTime = (iso: string) => dateTimeFormat.format(new Date(iso));
