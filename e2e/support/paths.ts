import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repo root, from this file's place in e2e/support/. */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
/** The shared photo datasets (never committed): ../shared/datasets from the repo, or DATASETS_DIR. */
export const datasetsDir = resolve(repoRoot, process.env.DATASETS_DIR ?? '../shared/datasets');
/** Everything the e2e server writes: results, photos, the gallery and its source photos. */
export const e2eDir = resolve(process.env.E2E_DIR ?? '/tmp/cf-webapp/e2e');
export const e2eDataDir = resolve(e2eDir, 'data');
export const e2eGalleryPath = resolve(e2eDataDir, 'gallery');
/** The copy of the imported gallery the server runs on (fresh each run: the admin specs change it). */
export const e2eServedGalleryPath = resolve(e2eDataDir, 'gallery-served');
/** ADMIN_TOKEN of the e2e server (a test value, never a real secret). */
export const e2eAdminToken = 'e2e-admin-token-4f1c9a7b2d';
export const e2ePort = Number(process.env.E2E_PORT ?? 3100);
export const e2eBaseUrl = `http://127.0.0.1:${e2ePort}`;

/** Absolute path of a dataset file, e.g. `raw/face_recognition_ageitgey/examples/two_people.jpg`. */
export function datasetPath(relative: string): string {
  return resolve(datasetsDir, relative);
}
