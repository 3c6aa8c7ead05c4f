import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';

/**
 * Writes a file atomically: bytes go to a temporary name in the same folder, are flushed to disk, then
 * renamed into place, so a reader (or a restart after a crash) sees either nothing or the whole file.
 * `durable: false` skips the flushes for files that can be made again (face thumbnails): still atomic.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, { durable = true } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.tmp-${randomBytes(8).toString('hex')}`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(bytes);
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  if (!durable) return;
  // Flush the directory entry too, so the rename itself survives a power loss.
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The file's bytes, or null when it does not exist. */
export async function readFileOrNull(path: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Waits between the attempts of removeFile: a busy or briefly locked file usually frees within a moment. */
const UNLINK_RETRY_DELAYS_MS = [50, 250];

/**
 * Removes a file, retrying a failed removal twice (50 ms, 250 ms apart). True when the file is gone (or was
 * never there); false when it stays, with the last error passed to `onFailure`, so a caller never reports
 * as deleted a file that is still on disk.
 */
export async function removeFile(path: string, onFailure: (error: unknown) => void): Promise<boolean> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await unlink(path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      const delay = UNLINK_RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        onFailure(error);
        return false;
      }
      await sleep(delay);
    }
  }
}

/** Temporary files older than this in an incoming folder were left by a crash (uploads and jobs take less). */
const STALE_INCOMING_MS = 60 * 60 * 1000;

/** Removes what a crash left in `dir` (an upload cut short, a video job's frame spill); younger files may be in use. */
export function sweepStaleIncoming(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path, { throwIfNoEntry: false });
    if (info && Date.now() - info.mtimeMs > STALE_INCOMING_MS) rmSync(path, { force: true });
  }
}
