/**
 * npm run gallery:link-raw -- <out-dir> [--datasets <dir>]
 * Builds a one-folder-per-person tree of symlinks to the people in ../shared/datasets/raw who have their own
 * photo folders, with canonical names (LFW's spelling where LFW has them, so they merge into that person).
 * Feed the result to gallery:import. Links only: the photos themselves stay where they are.
 */
import { mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Canonical folder name → folders (relative to raw/) holding that person's photos. */
const RAW_PEOPLE: Record<string, string[]> = {
  Barack_Obama: ['face_recognition_ageitgey/examples/knn_examples/train/obama'],
  Joseph_Biden: ['face_recognition_ageitgey/examples/knn_examples/train/biden'],
  Kit_Harington: ['face_recognition_ageitgey/examples/knn_examples/train/kit_harington'],
  Rose_Leslie: ['face_recognition_ageitgey/examples/knn_examples/train/rose_leslie'],
  Alex_Lacamoire: ['face_recognition_ageitgey/examples/knn_examples/train/alex_lacamoire'],
  Ben_Affleck: ['five_celebrity_jasmcaus/Resources/Faces/train/Ben Afflek', 'five_celebrity_jasmcaus/Resources/Faces/val/ben_afflek'],
  Elton_John: ['five_celebrity_jasmcaus/Resources/Faces/train/Elton John', 'five_celebrity_jasmcaus/Resources/Faces/val/elton_john'],
  Jerry_Seinfeld: ['five_celebrity_jasmcaus/Resources/Faces/train/Jerry Seinfield', 'five_celebrity_jasmcaus/Resources/Faces/val/jerry_seinfeld'],
  Madonna: ['five_celebrity_jasmcaus/Resources/Faces/train/Madonna', 'five_celebrity_jasmcaus/Resources/Faces/val/madonna'],
  Mindy_Kaling: ['five_celebrity_jasmcaus/Resources/Faces/train/Mindy Kaling', 'five_celebrity_jasmcaus/Resources/Faces/val/mindy_kaling'],
  Angelina_Jolie: ['facenet_pytorch_timesler/data/test_images/angelina_jolie'],
  Kate_Siegel: ['facenet_pytorch_timesler/data/test_images/kate_siegel'],
  Paul_Rudd: ['facenet_pytorch_timesler/data/test_images/paul_rudd'],
  Shea_Whigham: ['facenet_pytorch_timesler/data/test_images/shea_whigham'],
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { datasets: { type: 'string' } } });
  const out = positionals[0];
  if (!out) throw new Error('usage: npm run gallery:link-raw -- <out-dir> [--datasets <dir>]');
  const raw = join(resolve(values.datasets ?? process.env.DATASETS_DIR ?? '../shared/datasets'), 'raw');
  let linked = 0;
  for (const [person, folders] of Object.entries(RAW_PEOPLE)) {
    const target = join(resolve(out), person);
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
