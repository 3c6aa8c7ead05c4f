import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:hardening`: bad inputs, overload, crash and privacy checks against real production
 * servers (shared build via test/rekognition/app-server). Kept out of test:unit because it starts servers.
 */
export default defineConfig({
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('../..', import.meta.url)),
      'server-only': fileURLToPath(new URL('../server-only-shim.ts', import.meta.url)),
    },
  },
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/hardening/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
