#!/usr/bin/env node
// pm2's `script` (and `npm run start:prod`): starts the standalone Next.js server of build/current.
// Next's server.js chdirs into its release and listens on 0.0.0.0 by default, so the paths and the
// address are pinned here first: data must outlive releases, and only nginx may reach the app.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const current = join(root, 'build', 'current');

if (!existsSync(join(current, 'server.js'))) {
  console.error('start-standalone: build/current/server.js is missing; run `npm run build:standalone` first');
  process.exit(1);
}

process.env.NODE_ENV = 'production';
process.env.HOSTNAME ??= '127.0.0.1';
process.env.DATA_DIR = resolve(root, process.env.DATA_DIR ?? 'data');
process.env.MODEL_DIR = resolve(root, process.env.MODEL_DIR ?? 'models');
if (process.env.GALLERY_PATH) process.env.GALLERY_PATH = resolve(root, process.env.GALLERY_PATH);

if (process.env.RECOGNIZER !== 'rekognition' && !existsSync(join(process.env.MODEL_DIR, 'fr_detect.onnx'))) {
  console.error(`start-standalone: no models in ${process.env.MODEL_DIR}; run \`npm run setup:models\``);
  process.exit(1);
}

// Resolved once: this worker keeps serving its own release even after build/current moves on.
const release = realpathSync(current);
console.log(`start-standalone: release ${release.split('/').pop()} pid ${process.pid} port ${process.env.PORT ?? 3000}`);
await import(pathToFileURL(join(release, 'server.js')).href);
