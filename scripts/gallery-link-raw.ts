/**
 * npm run gallery:link-raw -- <out-dir> [--datasets <dir>]
 * Builds a one-folder-per-person tree of symlinks to the people in ../shared/datasets/raw who have their own
 * photo folders, with canonical names (LFW's spelling where LFW has them, so they merge into that person).
 * Feed the result to gallery:import. Links only: the photos themselves stay where they are.
 */
import { mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RAW_PEOPLE } from '../eval/pack/sources';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { datasets: { type: 'string' } } });
  const out = positionals[0];
  if (!out) throw new Error('usage: npm run gallery:link-raw -- <out-dir> [--datasets <dir>]');
  const raw = join(resolve(values.datasets ?? process.env.DATASETS_DIR ?? '../shared/datasets'), 'raw');
  let linked = 0;
  for (const [person, folders] of Object.entries(RAW_PEOPLE)) {
    const target = join(resolve(out), person.replace(/ /g, '_'));
    await rm(target, { recursive: true, force: true });
    await mkdir(target, { recursive: true });
    for (const [i, folder] of folders.entries()) {
      const files = await readdir(join(raw, folder)).catch(() => {
        throw new Error(`${join(raw, folder)} is missing: is --datasets right?`);
      });
      for (const file of files.filter((f) => /\.(jpe?g|png|webp)$/i.test(f))) {
        await symlink(join(raw, folder, file), join(target, `${i}-${file}`));
        linked++;
      }
    }
  }
  console.log(`linked ${linked} photos of ${Object.keys(RAW_PEOPLE).length} people into ${resolve(out)}`);
}

main().catch((error: unknown) => {
  console.error(`gallery:link-raw: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
