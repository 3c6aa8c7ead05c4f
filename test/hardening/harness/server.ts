import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureProductionBuild, startApp, type RunningApp } from '../../rekognition/app-server';
import { buildTinyGallery } from '../../rekognition/tiny-gallery';

/** Private data for hardening runs (never the app's ./data). */
export const HARDENING_ROOT = process.env.HARDENING_DATA_ROOT ?? '/tmp/cf-hardening';
/** The gallery the hardening servers recognise against, built once with the import CLI. */
const GALLERY_DIR = join(HARDENING_ROOT, 'gallery-src');

/** Builds (once) the five-person gallery from the datasets; returns its path. */
export async function ensureGallery(): Promise<string> {
  const gallery = join(GALLERY_DIR, 'gallery');
  if (!existsSync(join(gallery, 'gallery.json')) || process.env.HARDENING_REBUILD_GALLERY === '1') {
    await mkdir(GALLERY_DIR, { recursive: true });
    await buildTinyGallery(GALLERY_DIR);
  }
  return gallery;
}

/**
 * A production server (next build, shared helper in test/rekognition) on 127.0.0.1:`port`, with its own
 * DATA_DIR and the tiny gallery; `env` sets e.g. the queue limits.
 */
export async function startHardeningServer(port: number, dataDir: string, env: Record<string, string> = {}): Promise<RunningApp> {
  ensureProductionBuild();
  const gallery = await ensureGallery();
  await mkdir(dataDir, { recursive: true });
  return startApp(port, { DATA_DIR: dataDir, GALLERY_PATH: gallery, ...env });
}
