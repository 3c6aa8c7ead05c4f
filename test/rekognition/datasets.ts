import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** Repo root, from this file's place in test/rekognition/. */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** The shared photo datasets (never committed): ../shared/datasets from the repo, or DATASETS_DIR. */
export const datasetsDir = resolve(repoRoot, process.env.DATASETS_DIR ?? '../shared/datasets');

/** Reads one dataset file, e.g. `raw/face_recognition_ageitgey/examples/obama.jpg`. */
export async function readDatasetFile(relativePath: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(resolve(datasetsDir, relativePath)));
}
