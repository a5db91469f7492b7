import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API server the dev console talks to (same port as `PORT` of the server).
const api = `http://127.0.0.1:${process.env.PORT ?? 4000}`;

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/graphql': { target: api, ws: true },
      '/api': { target: api },
      '/webhooks': { target: api },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
