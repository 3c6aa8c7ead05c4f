import { defineConfig, devices } from '@playwright/test';
import { REKOGNITION_PORT } from './e2e/rekognition-stack';

/**
 * `npm run test:e2e:rekognition`: the app with RECOGNIZER=rekognition, its "AWS" being a second
 * instance of the app (local engine) reached through the real AWS SDK. Servers: e2e/rekognition-stack.ts.
 */
export default defineConfig({
  testDir: './e2e',
  testMatch: /rekognition.*\.spec\.ts$/,
  globalSetup: './e2e/rekognition-stack.ts',
  outputDir: '/tmp/cf-rekognition/playwright-results',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: `http://127.0.0.1:${REKOGNITION_PORT}`,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
});
