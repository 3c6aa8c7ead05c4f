import { defineConfig, devices } from '@playwright/test';
import { e2eBaseUrl } from './e2e/support/paths';

const chromium = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/**
 * `npm run test:e2e`: the production build in Debian's Chromium. The web server (e2e/support/serve.ts) builds
 * a small gallery from ../shared/datasets with the import CLI, then `next build` + `next start` on port 3100.
 */
export default defineConfig({
  testDir: './e2e',
  testIgnore: /rekognition/,
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // Two shared cores: one browser at a time keeps recognition latency (and the busy queue) predictable.
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: e2eBaseUrl,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromium,
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], launchOptions: chromium }, testIgnore: [/mobile\.spec\.ts$/, /rekognition/] },
    { name: 'mobile', use: { ...devices['Pixel 7'], launchOptions: chromium }, testMatch: /mobile\.spec\.ts$/ },
  ],
  webServer: {
    command: 'node node_modules/tsx/dist/cli.mjs e2e/support/serve.ts',
    url: `${e2eBaseUrl}/api/health`,
    timeout: 600_000,
    reuseExistingServer: process.env.E2E_REUSE_SERVER === '1',
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
