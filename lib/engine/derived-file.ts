/**
 * Files in `models/.derived/` (rewritten graphs, ORT's optimized graphs) are written by the first process
 * that needs them and read by every later one, so they must never be seen half written.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** True when `file` exists as a non-empty file. */
export function derivedFileReady(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile() && s.size > 0, () => false);
}

/**
 * Writes `file` through `write(partialPath)` (a temporary name beside it), then renames it into place.
 * @returns false, leaving no partial file behind, when it cannot be written (read-only folder, full disk).
 */
export async function writeDerivedFile(file: string, write: (partial: string) => Promise<void>): Promise<boolean> {
  const partial = `${file}.${process.pid}.${Date.now()}.partial`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await write(partial);
    await rename(partial, file);
    return true;
  } catch {
    await rm(partial, { force: true }).catch(() => undefined);
    return false;
  }
}
