import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

const here = dirname(fileURLToPath(import.meta.url));
/**
 * Ports and the console build can be moved (E2E_PORT, E2E_POSTGRES_PORT, E2E_WEB_DIST) so two
 * runs on one machine do not collide; the fake Linear and Notion listen on PORT + 1 and PORT + 2.
 */
const PORT = Number(process.env.E2E_PORT ?? 4150);
const POSTGRES_PORT = Number(process.env.E2E_POSTGRES_PORT ?? 54450);
const WEB_DIST = process.env.E2E_WEB_DIST ? resolve(process.env.E2E_WEB_DIST) : resolve(here, '..', 'web', 'dist');
/** The server's default PUBLIC_URL: invitation links then point at the console under test. */
const BASE_URL = `http://localhost:${PORT}`;

export default defineConfig({
  testDir: './specs',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // The console then skips its animations, so screenshots never catch a modal half-way.
    contextOptions: { reducedMotion: 'reduce' },
    launchOptions: {
      // Debian's Chromium: `playwright install` cannot download browsers on these machines.
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'desktop', use: { browserName: 'chromium', viewport: { width: 1280, height: 800 } } },
    { name: 'tablet', use: { browserName: 'chromium', viewport: { width: 768, height: 1024 } } },
  ],
  webServer: {
    command: 'node scripts/serve.mjs',
    cwd: here,
    url: `http://127.0.0.1:${PORT}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    env: {
      PORT: String(PORT),
      EMBEDDED_POSTGRES_PORT: String(POSTGRES_PORT),
      LATCHKEY_WEB_DIST: WEB_DIST,
      FAKE_LINEAR_PORT: String(PORT + 1),
      FAKE_NOTION_PORT: String(PORT + 2),
      LINEAR_API_URL: `http://127.0.0.1:${PORT + 1}/graphql`,
      NOTION_API_URL: `http://127.0.0.1:${PORT + 2}`,
      LOG_LEVEL: 'warn',
      // Every spec signs up its own users, all from 127.0.0.1.
      SIGN_UPS_PER_MINUTE: '1000',
    },
  },
});
