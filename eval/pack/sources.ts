/**
 * The labelled photo folders of ../shared/datasets that the celebrity pack is built from: all of LFW, the
 * 105 people of modern/pins_105, and the raw sets that keep one folder per person. Names are mapped to one
 * spelling per person, so Barack Obama (pins_105, two raw sets) is one entry.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { folderToName } from '../../lib/gallery';

export type SourceSet = 'lfw' | 'pins_105' | 'raw';

export interface SourcePhoto {
  /** The person's name as the set spells it (mapped through DISPLAY_NAMES later). */
  name: string;
  set: SourceSet;
  /** Path relative to the datasets folder: the photo's key in the embedding cache and the held-out splits. */
  path: string;
}

/** Raw-set folders (relative to raw/) → the person's name, in LFW's spelling where LFW has them. */
export const RAW_PEOPLE: Record<string, string[]> = {
  'Barack Obama': ['face_recognition_ageitgey/examples/knn_examples/train/obama'],
  'Joseph Biden': ['face_recognition_ageitgey/examples/knn_examples/train/biden'],
  'Kit Harington': ['face_recognition_ageitgey/examples/knn_examples/train/kit_harington'],
  'Rose Leslie': ['face_recognition_ageitgey/examples/knn_examples/train/rose_leslie'],
  'Alex Lacamoire': ['face_recognition_ageitgey/examples/knn_examples/train/alex_lacamoire'],
  'Ben Affleck': ['five_celebrity_jasmcaus/Resources/Faces/train/Ben Afflek', 'five_celebrity_jasmcaus/Resources/Faces/val/ben_afflek'],
  'Elton John': ['five_celebrity_jasmcaus/Resources/Faces/train/Elton John', 'five_celebrity_jasmcaus/Resources/Faces/val/elton_john'],
  'Jerry Seinfeld': ['five_celebrity_jasmcaus/Resources/Faces/train/Jerry Seinfield', 'five_celebrity_jasmcaus/Resources/Faces/val/jerry_seinfeld'],
  Madonna: ['five_celebrity_jasmcaus/Resources/Faces/train/Madonna', 'five_celebrity_jasmcaus/Resources/Faces/val/madonna'],
  'Mindy Kaling': ['five_celebrity_jasmcaus/Resources/Faces/train/Mindy Kaling', 'five_celebrity_jasmcaus/Resources/Faces/val/mindy_kaling'],
  'Angelina Jolie': ['facenet_pytorch_timesler/data/test_images/angelina_jolie', 'facenet_pytorch_timesler/data/test_images_aligned/angelina_jolie'],
  'Kate Siegel': ['facenet_pytorch_timesler/data/test_images/kate_siegel', 'facenet_pytorch_timesler/data/test_images_aligned/kate_siegel'],
  'Paul Rudd': ['facenet_pytorch_timesler/data/test_images/paul_rudd', 'facenet_pytorch_timesler/data/test_images_aligned/paul_rudd'],
  'Shea Whigham': ['facenet_pytorch_timesler/data/test_images/shea_whigham', 'facenet_pytorch_timesler/data/test_images_aligned/shea_whigham'],
  'Bradley Cooper': ['facenet_pytorch_timesler/data/test_images_aligned/bradley_cooper'],
};

/** Raw sets whose sub-folders are named after the person (folder name = name). */
const RAW_NAMED_FOLDERS = ['lfw_original_subset_krasserm/images', 'dlib_examples/examples/johns', 'glint_celebrity_images'];

/** The Big Bang Theory crops are filed by character; the set's CSV maps them to the actors. */
const BBT_DIR = 'faceapi_bbt/examples/images';
const BBT_CSV = 'faceapi_bbt/character_to_actor_DERIVED.csv';

/**
 * The name the product shows where a set's spelling is not the one people use. The set's spelling stays an
 * alias, so an operator importing LFW's "Joseph_Biden" folder extends the same person.
 */
export const DISPLAY_NAMES: Record<string, string> = { 'Joseph Biden': 'Joe Biden' };

const PHOTO = /\.(jpe?g|png|webp)$/i;

async function photosIn(datasets: string, relativeDir: string): Promise<string[]> {
  const files = await readdir(join(datasets, relativeDir)).catch(() => {
    throw new Error(`${join(datasets, relativeDir)} is missing: is --datasets right?`);
  });
  return files.filter((f) => PHOTO.test(f)).sort().map((f) => join(relativeDir, f));
}

async function subfolders(datasets: string, relativeDir: string): Promise<string[]> {
  const entries = await readdir(join(datasets, relativeDir), { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

async function folderPerPerson(datasets: string, relativeDir: string, set: SourceSet, nameOf = folderToName): Promise<SourcePhoto[]> {
  const out: SourcePhoto[] = [];
  for (const folder of await subfolders(datasets, relativeDir)) {
    for (const path of await photosIn(datasets, join(relativeDir, folder))) out.push({ name: nameOf(folder), set, path });
  }
  return out;
}

/** Every labelled photo, in a fixed order (set, then path): the pack's rows follow it. */
export async function listPackSources(datasets: string): Promise<SourcePhoto[]> {
  const photos: SourcePhoto[] = [];
  photos.push(...(await folderPerPerson(datasets, 'lfw/images_deepfunneled', 'lfw')));
  photos.push(...(await folderPerPerson(datasets, 'modern/pins_105', 'pins_105')));
  for (const [name, folders] of Object.entries(RAW_PEOPLE)) {
    for (const folder of folders) for (const path of await photosIn(datasets, join('raw', folder))) photos.push({ name, set: 'raw', path });
  }
  for (const dir of RAW_NAMED_FOLDERS) photos.push(...(await folderPerPerson(datasets, join('raw', dir), 'raw')));
  const bbt = parse(await readFile(join(datasets, 'raw', BBT_CSV), 'utf8'), { columns: true, skip_empty_lines: true }) as Array<{ folder: string; actor: string }>;
  const actorOf = new Map(bbt.map((row) => [row.folder, row.actor]));
  photos.push(...(await folderPerPerson(datasets, join('raw', BBT_DIR), 'raw', (folder) => actorOf.get(folder) ?? folderToName(folder))));
  return photos;
}
