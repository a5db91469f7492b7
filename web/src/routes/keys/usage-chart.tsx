import { Box } from '@mantine/core';

export interface UsageDay {
  day: string;
  runs: number;
  failed: number;
}

const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** A key's runs per UTC day as small bars (failed runs in red at the bottom of each bar); the label says the total. */
export function UsageChart({ days, width = 112, height = 28 }: { days: UsageDay[]; width?: number; height?: number }) {
  const total = days.reduce((sum, day) => sum + day.runs, 0);
  const failed = days.reduce((sum, day) => sum + day.failed, 0);
  const label = `${total} ${total === 1 ? 'run' : 'runs'} in the last ${days.length} ${days.length === 1 ? 'day' : 'days'}${failed > 0 ? `, ${failed} failed` : ''}`;
  const max = Math.max(1, ...days.map((day) => day.runs));
  const slot = width / Math.max(1, days.length);
  const bar = Math.max(1, slot - 2);
  return (
    <Box component="svg" role="img" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`} style={{ display: 'block', overflow: 'visible', maxWidth: '100%', height: 'auto' }}>
      <title>{label}</title>
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} stroke="var(--mantine-color-default-border)" />
      {days.map((day, i) => {
        const h = day.runs === 0 ? 0 : Math.max(2, (day.runs / max) * (height - 2));
        const fh = day.failed === 0 ? 0 : Math.max(1, (day.failed / max) * (height - 2));
        const x = i * slot + (slot - bar) / 2;
        return (
          <g key={day.day}>
            <title>{`${dayLabel.format(new Date(`${day.day}T00:00:00Z`))}: ${day.runs} ${day.runs === 1 ? 'run' : 'runs'}${day.failed > 0 ? `, ${day.failed} failed` : ''}`}</title>
            <rect x={x} y={0} width={bar} height={height} fill="transparent" />
            {h > 0 && <rect x={x} y={height - h} width={bar} height={h} rx={1} fill="var(--mantine-color-indigo-5)" />}
            {fh > 0 && <rect x={x} y={height - fh} width={bar} height={fh} rx={1} fill="var(--mantine-color-red-6)" />}
          </g>
        );
      })}
    </Box>
  );
}
