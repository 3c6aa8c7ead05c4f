import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  // The native addon's loader is CommonJS by necessity: a .node binary is loaded with require().
  { files: ['native/**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  globalIgnores(['.next/**', 'build/**', 'node_modules/**', 'bench-results/**', 'test-results/**', 'native/**/build/**', 'next-env.d.ts', '.scratch/**', '.cache/**']),
]);
