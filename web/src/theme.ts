import { createTheme } from '@mantine/core';

// Component overrides are plain objects: `Modal.extend()` would pull every component into the first chunk.
export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  respectReducedMotion: true,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  components: {
    Modal: { styles: { title: { fontWeight: 600, fontSize: 'var(--mantine-font-size-lg)' } } },
    // Badges hold short labels (roles, statuses): never squeezed into an ellipsis.
    Badge: { styles: { root: { flexShrink: 0 }, label: { overflow: 'visible' } } },
  },
});
