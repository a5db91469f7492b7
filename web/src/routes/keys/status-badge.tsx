import { Badge } from '@mantine/core';
import { STATUS_COLORS, STATUS_LABELS, type KeyStatus } from './key-format';

/** ACTIVE / REVOKED / EXPIRED, each its own colour; the word carries the meaning, not the colour. */
export function StatusBadge({ status }: { status: KeyStatus }) {
  return (
    <Badge variant="light" color={STATUS_COLORS[status]}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}
