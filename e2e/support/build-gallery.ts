import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gallerySources } from './gallery-sources';
import { datasetPath, e2eDataDir, e2eDir, e2eGalleryPath, repoRoot } from './paths';

/**
 * Builds the e2e gallery with the real import CLI (`npm run gallery:import -- <dir> --imdb <csv>`): copies
 * the chosen dataset photos into `<e2eDir>/photos/<Person_Name>/` (outside the repo) and imports them.
 * The CLI skips photos it already embedded, so a rerun takes seconds.
 */
export function buildE2eGallery(): void {
  const photosDir = join(e2eDir, 'photos');
  for (const person of gallerySources()) {
    const target = join(photosDir, person.folder);
    mkdirSync(target, { recursive: true });
    for (const photo of person.photos) {
      const copy = join(target, basename(photo).replaceAll(' ', '_'));
      if (!existsSync(copy)) copyFileSync(photo, copy);
    }
  }
  const cli = spawnSync(
    process.execPath,
    [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), join(repoRoot, 'scripts/gallery-import.ts'), photosDir, '--imdb', datasetPath('imdb/hollywood_actor_rankings.csv')],
    { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DATA_DIR: e2eDataDir, GALLERY_PATH: e2eGalleryPath } },
  );
  if (cli.status !== 0) throw new Error(`gallery:import failed with status ${cli.status}`);
}
