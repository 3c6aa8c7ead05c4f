import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Vitest config for suites that start real production servers: one file at a time, long set-up. */
export function serverSuiteConfig(include: string, timeouts: { testTimeout: number; hookTimeout: number }) {
  return defineConfig({
    resolve: {
      alias: {
        '@': fileURLToPath(new URL('..', import.meta.url)),
        'server-only': fileURLToPath(new URL('./server-only-shim.ts', import.meta.url)),
      },
    },
    test: {
      root: fileURLToPath(new URL('..', import.meta.url)),
      include: [include],
      environment: 'node',
      ...timeouts,
      pool: 'forks',
      fileParallelism: false,
    },
  });
}
