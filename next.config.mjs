/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'standalone',
  // Native addons and model files are loaded at run time from node_modules, never bundled.
  serverExternalPackages: ['onnxruntime-node', 'sharp', 'better-sqlite3'],
  poweredByHeader: false,
  // The AWS SDK posts to `<endpoint>/`; a redirect would drop the POST body (and the signature covers the path).
  skipTrailingSlashRedirect: true,
};

export default nextConfig;
