import { securityHeaders } from './lib/security/headers.mjs';

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'standalone',
  // Native addons and model files are loaded at run time from node_modules, never bundled.
  serverExternalPackages: ['onnxruntime-node', 'sharp', 'better-sqlite3', 'protobufjs', 'prom-client'],
  poweredByHeader: false,
  // CSP, nosniff, Referrer-Policy and frame-ancestors on every page and API route (lib/security/headers.mjs).
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders(process.env.NODE_ENV !== 'production') }];
  },
  // The AWS SDK posts to `<endpoint>/`; a redirect would drop the POST body (and the signature covers the path).
  skipTrailingSlashRedirect: true,
  // Paths computed from env (lib/config.ts) make the tracer include the whole project in .next/standalone;
  // runtime data, models, releases and logs must never be copied into a release (server/build-standalone.mjs).
  outputFileTracingExcludes: {
    '*': ['./data/**', './models/**', './packs/**', './.cache/**', './build/**', './logs/**', './.git/**', './test-results/**', './bench-results/**', './playwright-report/**'],
  },
  // `npm test` type-checks first (its typecheck suite); skipping Next's second pass takes ~25 s off every
  // build, and so off a fresh server's first start (npm run app).
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
