import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { datasetsDir, repoRoot } from './datasets';

const TRAIN = 'raw/face_recognition_ageitgey/examples/knn_examples/train';

/** The people of the tiny test gallery, their training folder, and the IMDb page the CSV gives them. */
export const PEOPLE = [
  { name: 'Barack Obama', folder: 'obama', url: undefined },
  { name: 'Joe Biden', folder: 'biden', url: undefined },
  { name: 'Kit Harington', folder: 'kit_harington', url: 'https://www.imdb.com/name/nm3229685/' },
  { name: 'Rose Leslie', folder: 'rose_leslie', url: 'https://www.imdb.com/name/nm3310211/' },
  { name: 'Alex Lacamoire', folder: 'alex_lacamoire', url: undefined },
] as const;

/**
 * Builds a five-person gallery (9 photos) under `<dataDir>/gallery` with the real import CLI: copies the
 * training photos into `<dataDir>/photos/<Person_Name>/` (outside the repo) and imports them with the
 * IMDb CSV. Takes a few seconds.
 */
export async function buildTinyGallery(dataDir: string): Promise<void> {
  const photos = join(dataDir, 'photos');
  await rm(photos, { recursive: true, force: true });
  // Built from scratch every run: an incremental import would keep a gallery made by an older engine.
  await rm(join(dataDir, 'gallery'), { recursive: true, force: true });
  for (const person of PEOPLE) {
    const target = join(photos, person.name.replaceAll(' ', '_'));
    await mkdir(target, { recursive: true });
    const source = resolve(datasetsDir, TRAIN, person.folder);
    for (const file of await readdir(source)) await copyFile(join(source, file), join(target, basename(file)));
  }
  const result = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
      join(repoRoot, 'scripts/gallery-import.ts'),
      photos,
      '--imdb',
      resolve(datasetsDir, 'imdb/hollywood_actor_rankings.csv'),
      '--workers',
      '1',
    ],
    { cwd: repoRoot, env: { ...process.env, DATA_DIR: dataDir, GALLERY_PATH: join(dataDir, 'gallery') }, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`gallery:import failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}
