import { Code } from '@mantine/core';

/** A JSON value pretty-printed, scrolling inside its box rather than widening the page. */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  return (
    <Code block aria-label={label} style={{ maxHeight: 360, overflow: 'auto', whiteSpace: 'pre' }}>
      {JSON.stringify(value, null, 2)}
    </Code>
  );
}
