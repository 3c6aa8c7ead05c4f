/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'standalone',
  // Native addons and model files are loaded at run time from node_modules, never bundled.
  serverExternalPackages: ['onnxruntime-node', 'sharp', 'better-sqlite3'],
  poweredByHeader: false,
};

export default nextConfig;
