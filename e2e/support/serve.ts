/**
 * The Playwright webServer: builds the e2e gallery with the import CLI, makes sure a production build is
 * current (`next build`, serialised with other builds of this tree), then runs `next start` on the e2e port
 * with a fresh result store. Run with tsx; stops the server when Playwright stops this process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ensureProductionBuild } from '../../test/rekognition/app-server';
import { buildE2eGallery } from './build-gallery';
import { e2eAdminToken, e2eDataDir, e2eDir, e2eGalleryPath, e2ePort, e2eServedGalleryPath, repoRoot } from './paths';

const BUILD_LOCK = '/tmp/cf-next-build.lock';

/**
 * Serves a private copy of the build: a later `next build` of the shared .next (another test suite, a
 * developer) would otherwise swap chunks under the running server. Copied under the build lock, so whole.
 */
function snapshotBuild(): string {
  // A build of the tree outside the lock (or one that failed) can leave .next incomplete: build again.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    ensureProductionBuild();
    const app = copyBuild();
    if (existsSync(join(app, '.next/BUILD_ID'))) return app;
    console.error(`build copy ${attempt} was incomplete (no BUILD_ID); rebuilding`);
  }
  throw new Error('could not get a complete production build to serve');
}

function copyBuild(): string {
  const app = join(e2eDir, 'app');
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  const copy = spawnSync('flock', [BUILD_LOCK, 'tar', '-C', repoRoot, '--exclude=.next/cache', '--exclude=.next/standalone', '-cf', join(app, 'next.tar'), '.next'], { stdio: 'inherit' });
  if (copy.status !== 0) throw new Error('could not copy the production build');
  if (spawnSync('tar', ['-C', app, '-xf', join(app, 'next.tar')], { stdio: 'inherit' }).status !== 0) throw new Error('could not unpack the build copy');
  rmSync(join(app, 'next.tar'));
  // Everything else (config and what it imports, node_modules, models) is the working tree's, linked.
  for (const entry of readdirSync(repoRoot)) {
    if (entry !== '.next' && entry !== '.git') symlinkSync(join(repoRoot, entry), join(app, entry));
  }
  return app;
}

buildE2eGallery();
const appDir = snapshotBuild();
// Results of earlier runs would make "recent" and counting assertions depend on history; so would people
// added, samples named and opt-outs made in the admin area, and sign-in failures counted.
for (const stale of ['recognitions.sqlite', 'recognitions.sqlite-wal', 'recognitions.sqlite-shm', 'images', 'opt-out.txt', 'admin.sqlite', 'admin.sqlite-wal', 'admin.sqlite-shm']) {
  rmSync(join(e2eDataDir, stale), { recursive: true, force: true });
}
// The server gets a fresh copy of the imported gallery each run: the admin specs write to it.
rmSync(e2eServedGalleryPath, { recursive: true, force: true });
cpSync(e2eGalleryPath, e2eServedGalleryPath, { recursive: true, filter: (source) => !source.includes('.gallery.lock') });

const server = spawn(process.execPath, [join(repoRoot, 'node_modules/next/dist/bin/next'), 'start', '-p', String(e2ePort), '-H', '127.0.0.1'], {
  cwd: appDir,
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    // A JSON line per request would bury the test report; warnings and errors still show.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    DATA_DIR: e2eDataDir,
    GALLERY_PATH: e2eServedGalleryPath,
    // The admin area is on for the admin specs (e2e/admin.spec.ts).
    ADMIN_TOKEN: e2eAdminToken,
    // The web flow is checked against the 46 people it imported, so every name and stranger is known here;
    // the shipped pack is covered by smoke:fresh-clone and the local recognizer's tests.
    CELEBRITY_PACK: 'off',
    MODEL_DIR: join(repoRoot, 'models'),
    RECOGNIZER: 'local',
  },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
