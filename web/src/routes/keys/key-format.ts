import type { ResultOf } from '../../graphql';
import type { KeySummaryFragment } from './documents';
import { formatRelative } from '../../ui/relative-time';

export type KeySummary = ResultOf<typeof KeySummaryFragment>;
export type KeyStatus = KeySummary['status'];
export type KeyScope = KeySummary['scopes'][number];

export const STATUS_LABELS: Record<KeyStatus, string> = { ACTIVE: 'Active', REVOKED: 'Revoked', EXPIRED: 'Expired' };
// Distinct hues, all with dark text on a light background in the "light" badge variant.
export const STATUS_COLORS: Record<KeyStatus, string> = { ACTIVE: 'teal', REVOKED: 'red', EXPIRED: 'orange' };

export const SCOPES: { value: KeyScope; label: string; description: string }[] = [
  { value: 'READ', label: 'Read', description: 'Discover components, read triggers and events, run read actions.' },
  { value: 'WRITE', label: 'Write', description: 'Run actions that need write, register triggers.' },
  { value: 'DELETE', label: 'Delete', description: 'Remove triggers, run actions declared delete.' },
];

export const scopeLabel = (scope: KeyScope) => SCOPES.find((s) => s.value === scope)?.label ?? scope;

/** How long ago (or ahead) a moment is; "never" when there is none. */
export const relativeTime = (iso: string | null | undefined): string => (iso ? formatRelative(iso) : 'never');

/** A `<input type="datetime-local">` value (local time) from an ISO date, and back. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
