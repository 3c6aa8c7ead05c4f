import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { log } from '../observability/log';

/** The lock folder inside GALLERY_PATH (proper-lockfile makes it with mkdir, which is atomic). */
export const GALLERY_LOCK = '.gallery.lock';

/** Another process (an import, another pm2 worker) held the gallery's lock for longer than the caller would wait. */
export class GalleryBusyError extends Error {}

/** A lock not refreshed for this long belongs to a process that died: the next writer takes it over. */
const STALE_MS = 10_000;

/**
 * Runs `work` while holding the gallery folder's write lock, so read-modify-write cycles of different
 * processes (admin requests on every pm2 worker, gallery:import, gallery:remove) never lose each other's
 * changes. Waits up to `waitMs` for the lock (then GalleryBusyError); the holder refreshes it every 5 s, and
 * the lock of a crashed holder counts as released after 10 s.
 */
export async function withGalleryLock<T>(dir: string, work: () => Promise<T>, { waitMs = 5_000 } = {}): Promise<T> {
  await mkdir(dir, { recursive: true });
  const attempts = Math.max(0, Math.ceil(waitMs / 100));
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      realpath: false,
      lockfilePath: join(dir, GALLERY_LOCK),
      stale: STALE_MS,
      retries: { retries: attempts, factor: 1, minTimeout: 100, maxTimeout: 100 },
      // Only when the lock could not be refreshed for 10 s (a frozen disk): the write in progress still
      // completes atomically; another writer may have started meanwhile.
      onCompromised: (error) => log.error({ err: error, galleryDir: dir }, 'gallery lock lost while held'),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new GalleryBusyError(`the gallery at ${dir} is being changed by another process`);
    throw error;
  }
  try {
    return await work();
  } finally {
    await release().catch((error: unknown) => log.warn({ err: error, galleryDir: dir }, 'gallery lock release failed'));
  }
}
