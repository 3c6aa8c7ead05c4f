import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:contract`: the AWS SDK against a running production build. Kept out of test:unit because
 * it builds and starts the app (one shared build; a five-person gallery).
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
    include: ['test/rekognition/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
