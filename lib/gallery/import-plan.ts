import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { addEmbedding, ensurePerson, type Gallery, type Gender, type PhotoOutcome } from './gallery';

const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.gif']);

/** One photo the import still has to embed. */
export interface PhotoTask {
  /** Celebrity name: the folder name with underscores as spaces. */
  name: string;
  /** Absolute path, also the photo's key in the gallery's records. */
  path: string;
  size: number;
  mtimeMs: number;
}

export interface ImportPlan {
  people: number;
  tasks: PhotoTask[];
  /** Photos already in the gallery's records with the same size and mtime. */
  skipped: number;
}

/** Folder name → celebrity name ("George_W_Bush" → "George W Bush"). */
export function folderToName(folder: string): string {
  return folder.replace(/_+/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Lists `<dir>/<Person_Name>/<photo>` and leaves out photos the gallery already holds unchanged (same path,
 * size and mtime), which makes re-running an import incremental. Throws a clear Error for a bad `dir`.
 */
export async function planImport(gallery: Gallery, dir: string): Promise<ImportPlan> {
  const root = resolve(dir);
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`${dir} is not a directory (expected one folder per person)`);
  const folders = (await readdir(root, { withFileTypes: true }))
    .filter((e) => e.isDirectory() || e.isSymbolicLink())
    .map((e) => e.name)
    .sort();
  const tasks: PhotoTask[] = [];
  let skipped = 0;
  let people = 0;
  for (const folder of folders) {
    const isFolder = (await stat(join(root, folder)).catch(() => null))?.isDirectory();
    if (!isFolder) continue;
    const files = (await readdir(join(root, folder))).filter((f) => PHOTO_EXTENSIONS.has(extname(f).toLowerCase())).sort();
    let photos = 0;
    for (const file of files) {
      const path = join(root, folder, file);
      const info = await stat(path).catch(() => null); // follows symlinks; a dangling one is skipped
      if (!info?.isFile()) continue;
      photos += 1;
      const { size, mtimeMs } = info;
      const known = gallery.photos[path];
      if (known && known.size === size && known.mtimeMs === mtimeMs) skipped += 1;
      else tasks.push({ name: folderToName(folder), path, size, mtimeMs });
    }
    if (photos > 0) people += 1;
  }
  return { people, tasks, skipped };
}

/** A face as the import sees it: pixel box, embedding and gender estimate. */
export interface CandidateFace {
  box: { x: number; y: number; width: number; height: number };
  embedding: Float32Array;
  gender?: Gender;
}

/**
 * With several faces in a reference photo, the subject is usually the largest and most central one: among
 * faces at least half as large as the largest, take the one nearest the image centre.
 */
export function pickSubjectFace<F extends Pick<CandidateFace, 'box'>>(faces: readonly F[], width: number, height: number): F | undefined {
  const area = (f: F) => f.box.width * f.box.height;
  const largest = Math.max(0, ...faces.map(area));
  const offCentre = (f: F) => Math.hypot(f.box.x + f.box.width / 2 - width / 2, f.box.y + f.box.height / 2 - height / 2);
  return faces.filter((f) => area(f) >= largest / 2).sort((a, b) => offCentre(a) - offCentre(b))[0];
}

/** Records what the import found in `task` and, when a face was chosen, adds its embedding to the person. */
export function applyPhotoResult(gallery: Gallery, task: PhotoTask, faces: number, chosen?: CandidateFace, failed = false): PhotoOutcome {
  const person = ensurePerson(gallery, task.name);
  const outcome: PhotoOutcome = failed ? 'unreadable' : chosen ? 'embedded' : 'no_face';
  if (chosen) {
    const previous = person.sources.indexOf(task.path);
    if (previous < 0) addEmbedding(gallery, person, chosen.embedding, task.path, chosen.gender);
    else person.embeddings.set(chosen.embedding, previous * gallery.dims); // a changed photo replaces its row
  }
  gallery.photos[task.path] = { person: person.id, size: task.size, mtimeMs: task.mtimeMs, outcome, faces };
  return outcome;
}

/**
 * For a photo with several faces of a person who already has embeddings from other photos: the face most
 * like those (best cosine to any of their rows, float32 [n, dims]). Undefined when there is no reference.
 */
export function pickFaceByReference<F extends CandidateFace>(faces: readonly F[], reference: Float32Array, dims: number): F | undefined {
  const rows = reference.length / dims;
  if (rows === 0) return undefined;
  let best: F | undefined;
  let bestScore = -Infinity;
  for (const face of faces) {
    for (let row = 0; row < rows; row++) {
      let dot = 0;
      for (let j = 0; j < dims; j++) dot += face.embedding[j]! * reference[row * dims + j]!;
      if (dot > bestScore) [best, bestScore] = [face, dot];
    }
  }
  return best;
}
