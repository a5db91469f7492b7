import type { ResultOf } from '../../graphql';
import type { KeySummaryFragment } from './documents';

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

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago", "in 2 days", "just now"; "never" when there is no date. */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = (new Date(iso).getTime() - now) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return seconds <= 0 ? 'just now' : 'in a moment';
}

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
