/**
 * The Playwright webServer: builds the e2e gallery with the import CLI, makes sure a production build is
 * current (`next build`, serialised with other helpers' builds), then runs `next start` on the e2e port
 * with a fresh result store. Run with tsx; stops the server when Playwright stops this process.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureProductionBuild } from '../../test/rekognition/app-server';
import { buildE2eGallery } from './build-gallery';
import { e2eDataDir, e2eGalleryPath, e2ePort, repoRoot } from './paths';

buildE2eGallery();
ensureProductionBuild();
// Results of earlier runs would make "recent" and counting assertions depend on history.
for (const stale of ['recognitions.sqlite', 'recognitions.sqlite-wal', 'recognitions.sqlite-shm', 'images']) {
  rmSync(join(e2eDataDir, stale), { recursive: true, force: true });
}

const server = spawn(process.execPath, [join(repoRoot, 'node_modules/next/dist/bin/next'), 'start', '-p', String(e2ePort), '-H', '127.0.0.1'], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', DATA_DIR: e2eDataDir, GALLERY_PATH: e2eGalleryPath, RECOGNIZER: 'local' },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
