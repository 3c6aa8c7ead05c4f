/**
 * The fixed photo list of the engine benchmark. Photos are read at run time from the shared datasets
 * folder (never copied into the repo); the only derived image, the 1920×1080 group photo, is made in memory.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export type PhotoKind = 'single' | 'group';

export interface BenchPhoto {
  /** Short label for tables and plots. */
  name: string;
  /** Path relative to the datasets `raw/` folder. */
  source: string;
  kind: PhotoKind;
  /** Encoded bytes as the engine receives them (JPEG/PNG). */
  bytes: Uint8Array;
  width: number;
  height: number;
  /** How the bytes were derived from the source, when they were. */
  note?: string;
}

/** Single-face photos of at most 1 MP, varied in size, format (JPEG/PNG) and face scale. */
const SINGLE_FACE: ReadonlyArray<{ name: string; source: string }> = [
  { name: 'obama_small', source: 'face_recognition_ageitgey/examples/obama_small.jpg' },
  { name: 'madonna_val2', source: 'five_celebrity_jasmcaus/Resources/Faces/val/madonna/2.jpg' },
  { name: 'clapton-2', source: 'openface_cmu/images/examples/clapton-2.jpg' },
  { name: 'lin-manuel', source: 'face_recognition_ageitgey/examples/lin-manuel-miranda.png' },
  { name: 'tom_cruise', source: 'dlib_examples/examples/faces/Tom_Cruise_avp_2014_4.jpg' },
  { name: 'carell', source: 'openface_cmu/images/examples/carell.jpg' },
  { name: 'rick2', source: 'opencv4nodejs_twd/data/face-recognition/imgs/rick2.jpg' },
  { name: 'obama2', source: 'face_recognition_ageitgey/examples/obama2.jpg' },
  { name: 'adams', source: 'openface_cmu/images/examples/adams.jpg' },
  { name: 'johnsnow', source: 'face_recognition_ageitgey/examples/knn_examples/test/johnsnow_test1.jpg' },
];

/**
 * No group photo in the datasets is exactly 1920×1080, so the Big Bang Theory cast photo (1366×768, 4 faces,
 * the same 16:9 shape) is upscaled to 1920×1080 at run time and re-encoded as JPEG quality 90.
 */
const GROUP = { name: 'bbt1@1080p', source: 'faceapi_bbt/examples/images/bbt1.jpg', width: 1920, height: 1080 };

/**
 * Repo root: the nearest folder above this module with a package.json. Searched for, not counted, because
 * `npm run bench:engine` runs this code bundled into bench-results/.bundle/ (see package.json).
 */
export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The datasets folder: env DATASETS_DIR, else ../shared/datasets beside the repo. */
export function datasetsDir(): string {
  return process.env.DATASETS_DIR ?? path.resolve(repoRoot, '..', 'shared', 'datasets');
}

async function readPhoto(source: string): Promise<Uint8Array> {
  const file = path.join(datasetsDir(), 'raw', source);
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    throw new Error(`benchmark photo missing: ${file} (set DATASETS_DIR?)`, { cause: err });
  }
}

async function loadSingle(entry: { name: string; source: string }): Promise<BenchPhoto> {
  const bytes = await readPhoto(entry.source);
  const meta = await sharp(bytes).metadata();
  // Orientations 5-8 swap the sides once auto-oriented; the engine works on the oriented image.
  const swap = (meta.orientation ?? 1) >= 5;
  const width = (swap ? meta.height : meta.width) ?? 0;
  const height = (swap ? meta.width : meta.height) ?? 0;
  if (width * height > 1_000_000) throw new Error(`${entry.source} is over 1 MP (${width}×${height})`);
  return { name: entry.name, source: entry.source, kind: 'single', bytes, width, height };
}

async function loadGroup(): Promise<BenchPhoto> {
  const original = await readPhoto(GROUP.source);
  const meta = await sharp(original).metadata();
  const bytes = await sharp(original)
    .resize(GROUP.width, GROUP.height, { fit: 'fill', kernel: 'lanczos3' })
    .jpeg({ quality: 90 })
    .toBuffer();
  return {
    name: GROUP.name,
    source: GROUP.source,
    kind: 'group',
    bytes: new Uint8Array(bytes),
    width: GROUP.width,
    height: GROUP.height,
    note: `upscaled at run time from ${meta.width}×${meta.height} to ${GROUP.width}×${GROUP.height} (JPEG q90)`,
  };
}

/** Loads the fixed benchmark photos: the single-face list then the 1920×1080 group photo. Deterministic. */
export async function loadBenchPhotos(): Promise<BenchPhoto[]> {
  const singles = await Promise.all(SINGLE_FACE.map(loadSingle));
  return [...singles, await loadGroup()];
}
