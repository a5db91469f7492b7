import { useSyncExternalStore } from 'react';
import { formatDateTime } from '../../ui/format';

// One clock for every relative time on the page, ticking only while something shows one.
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  if (listeners.size === 0) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, 15_000);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) clearInterval(timer);
  };
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** "just now", "3 minutes ago", "yesterday"; a week or more back, the date itself. */
export function formatRelative(iso: string, at: number): string {
  const seconds = Math.round((new Date(iso).getTime() - at) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs >= 7 * 86_400) return formatDateTime(iso);
  for (const [unit, size] of UNITS) {
    if (abs >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(seconds, 'second');
}

/** A moment as people say it, with the exact date and time on hover. */
export function RelativeTime({ iso }: { iso: string }) {
  const at = useSyncExternalStore(subscribe, () => now);
  return (
    <time dateTime={iso} title={formatDateTime(iso)} style={{ whiteSpace: 'nowrap' }}>
      {formatRelative(iso, at)}
    </time>
  );
}
