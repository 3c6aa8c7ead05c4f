import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { createGallery, type Gallery, type Person } from './gallery';

/**
 * On-disk gallery under GALLERY_PATH (a directory):
 * - `gallery.json`: metadata (people in matrix order with their row counts, photo records, notes on
 *   samples added in the admin area), written last;
 * - `embeddings-<stamp>.f32`: float32 little-endian [rows, dims], the rows of all people in order;
 * - `negatives-<stamp>.f32`: the same for the faces admins marked "this is not them", when there are any;
 * - `faces/<sample id>.jpg`: a face crop of each sample added in the admin area.
 * Every file is written to a temp file, flushed to disk and renamed, and the folder is flushed after the
 * rename, so a save that returned survives a crash or power loss. The JSON names its matrix files, so a
 * reader (or a restart after a crash mid-save) sees either the old gallery or the new one, never half of
 * each. The previous matrix files are kept one generation so a reader that read the old JSON just before
 * the swap can still open them.
 */
export const GALLERY_FILE = 'gallery.json';
const FORMAT = 'celebrity-finder-gallery';

const personSchema = z.object({
  id: z.string().regex(/^[0-9A-Za-z]{1,64}$/),
  name: z.string().min(1),
  urls: z.array(z.string()),
  knownGender: z.enum(['Male', 'Female']).optional(),
  genderVotes: z.object({ Male: z.number().int().min(0), Female: z.number().int().min(0) }),
  rows: z.number().int().min(0),
  sources: z.array(z.string()),
  negatives: z.number().int().min(0).optional(),
  negativeSources: z.array(z.string()).optional(),
  overrides: z.object({ name: z.string().min(1).optional(), urls: z.array(z.string()).optional() }).optional(),
});

const noteSchema = z.discriminatedUnion('from', [
  z.object({ at: z.string(), from: z.literal('photo'), file: z.string().optional() }),
  z.object({ at: z.string(), from: z.literal('result'), recognition: z.string(), face: z.number().int().min(0) }),
]);

const photoSchema = z.object({
  person: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  outcome: z.enum(['embedded', 'no_face', 'unreadable']),
  faces: z.number().int().min(0),
});

const fileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  dims: z.number().int().positive(),
  rows: z.number().int().min(0),
  embeddingsFile: z.string().regex(/^embeddings-[0-9a-z-]+\.f32$/),
  negativesFile: z.string().regex(/^negatives-[0-9a-z-]+\.f32$/).optional(),
  people: z.array(personSchema),
  photos: z.record(z.string(), photoSchema),
  notes: z.record(z.string(), noteSchema).optional(),
});

/** Flushes a folder's entries (a rename into it) to disk. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a file so that it is either wholly there or not at all, even after a crash or power loss: a temp
 * file in the same folder, flushed, renamed over `path`, then the folder flushed. A crash before the rename
 * leaves only a `.tmp-` file, which the next save removes.
 */
export async function writeFileDurably(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dirname(path));
}

function bytesOf(rows: readonly Float32Array[]): Buffer {
  return Buffer.concat(rows.map((r) => new Uint8Array(r.buffer, r.byteOffset, r.byteLength)));
}

const stamp = () => `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/** The matrix files the current gallery.json names (kept one more generation by the next save). */
async function currentMatrixFiles(dir: string): Promise<string[]> {
  try {
    const meta = JSON.parse(await readFile(join(dir, GALLERY_FILE), 'utf8')) as { embeddingsFile?: unknown; negativesFile?: unknown };
    return [meta.embeddingsFile, meta.negativesFile].filter((f): f is string => typeof f === 'string');
  } catch {
    return [];
  }
}

/** Writes `gallery` to directory `dir` atomically and durably (see the module comment); creates `dir` if needed. */
export async function saveGallery(dir: string, gallery: Gallery): Promise<void> {
  await mkdir(dir, { recursive: true });
  const previous = await currentMatrixFiles(dir);
  const embeddingsFile = `embeddings-${stamp()}.f32`;
  await writeFileDurably(join(dir, embeddingsFile), bytesOf(gallery.people.map((p) => p.embeddings)));
  const withNegatives = gallery.people.filter((p) => (p.negatives?.length ?? 0) > 0);
  const negativesFile = withNegatives.length > 0 ? `negatives-${stamp()}.f32` : undefined;
  if (negativesFile) await writeFileDurably(join(dir, negativesFile), bytesOf(withNegatives.map((p) => p.negatives!)));
  const people = gallery.people.map(({ embeddings, negatives, negativeSources, ...rest }) => ({
    ...rest,
    rows: embeddings.length / gallery.dims,
    ...(negatives && negatives.length > 0 ? { negatives: negatives.length / gallery.dims, negativeSources: negativeSources ?? [] } : {}),
  }));
  const rows = people.reduce((sum, p) => sum + p.rows, 0);
  const notes = gallery.notes && Object.keys(gallery.notes).length > 0 ? { notes: gallery.notes } : {};
  const meta = { format: FORMAT, version: 1, dims: gallery.dims, rows, embeddingsFile, ...(negativesFile ? { negativesFile } : {}), people, photos: gallery.photos, ...notes };
  await writeFileDurably(join(dir, GALLERY_FILE), JSON.stringify(meta));
  const keep = new Set([embeddingsFile, negativesFile, ...previous]);
  for (const name of await readdir(dir)) {
    const stale = (name.startsWith('embeddings-') || name.startsWith('negatives-')) && !name.includes('.tmp-') && !keep.has(name);
    if (stale || (name.includes('.tmp-') && (await isLeftover(join(dir, name))))) await rm(join(dir, name), { force: true });
  }
}

/** A temp file no writer is still filling: one a crashed save left behind a minute or more ago. */
async function isLeftover(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  return info !== null && Date.now() - info.mtimeMs > 60_000;
}

async function readMatrix(path: string, expectedFloats: number): Promise<Float32Array> {
  const bytes = await readFile(path);
  if (bytes.byteLength !== expectedFloats * 4) {
    throw new Error(`gallery matrix ${path} holds ${bytes.byteLength} bytes, expected ${expectedFloats * 4}`);
  }
  const matrix = new Float32Array(expectedFloats);
  new Uint8Array(matrix.buffer).set(bytes);
  return matrix;
}

async function loadOnce(dir: string): Promise<Gallery> {
  const raw = JSON.parse(await readFile(join(dir, GALLERY_FILE), 'utf8')) as unknown;
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${join(dir, GALLERY_FILE)} is not a valid gallery: ${parsed.error.issues[0]?.message}`);
  const meta = parsed.data;
  const matrix = await readMatrix(join(dir, meta.embeddingsFile), meta.rows * meta.dims);
  const negativeRows = meta.people.reduce((sum, p) => sum + (p.negatives ?? 0), 0);
  if (negativeRows > 0 && !meta.negativesFile) throw new Error(`${join(dir, GALLERY_FILE)}: people hold negative samples, but no negatives file is named`);
  const negatives = meta.negativesFile ? await readMatrix(join(dir, meta.negativesFile), negativeRows * meta.dims) : new Float32Array(0);
  let row = 0;
  let negativeRow = 0;
  const people: Person[] = meta.people.map(({ rows, negatives: negativeCount = 0, negativeSources, ...rest }) => {
    const embeddings = matrix.subarray(row * meta.dims, (row + rows) * meta.dims);
    row += rows;
    if (negativeCount === 0) return { ...rest, embeddings };
    const own = negatives.subarray(negativeRow * meta.dims, (negativeRow + negativeCount) * meta.dims);
    negativeRow += negativeCount;
    return { ...rest, embeddings, negatives: own, negativeSources: negativeSources ?? [] };
  });
  if (row !== meta.rows) throw new Error(`${join(dir, GALLERY_FILE)}: people hold ${row} rows, header says ${meta.rows}`);
  return { dims: meta.dims, people, photos: meta.photos, ...(meta.notes ? { notes: meta.notes } : {}) };
}

/**
 * Loads the gallery in directory `dir`; a directory without `gallery.json` is an empty gallery. Retries once
 * when the matrix file vanished between reading the JSON and the matrix (a concurrent import swapped it).
 */
export async function loadGallery(dir: string): Promise<Gallery> {
  try {
    await stat(join(dir, GALLERY_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return createGallery();
    throw error;
  }
  try {
    return await loadOnce(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return loadOnce(dir);
  }
}

/** Identity of the current gallery JSON (inode + mtime: every save renames a new file in), or null when there is none. */
export async function galleryVersion(dir: string): Promise<string | null> {
  try {
    const info = await stat(join(dir, GALLERY_FILE));
    return `${info.ino}:${info.mtimeMs}:${info.size}`;
  } catch {
    return null;
  }
}

/** Face crops of the samples added in the admin area: `faces/<sample id>.jpg` under the gallery folder. */
const FACES_DIR = 'faces';
const CROP_NAME = /^[0-9A-Za-z]{12}$/;

function facePath(dir: string, sampleId: string): string {
  if (!CROP_NAME.test(sampleId)) throw new Error(`not a sample id: ${sampleId}`);
  return join(dir, FACES_DIR, `${sampleId}.jpg`);
}

/** Keeps the face crop (JPEG) of an admin-added sample, durably, before the gallery that names it is saved. */
export async function writeSampleFace(dir: string, sampleId: string, jpeg: Uint8Array): Promise<void> {
  await writeFileDurably(facePath(dir, sampleId), jpeg);
}

/** The face crop of an admin-added sample, or null when none was kept. */
export async function readSampleFace(dir: string, sampleId: string): Promise<Uint8Array | null> {
  if (!CROP_NAME.test(sampleId)) return null;
  try {
    return new Uint8Array(await readFile(facePath(dir, sampleId)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Deletes face crops of samples the saved gallery no longer holds (after the save: a crash leaves a crop, never a sample without one). */
export async function removeSampleFaces(dir: string, sampleIds: readonly string[]): Promise<void> {
  await Promise.all(sampleIds.filter((id) => CROP_NAME.test(id)).map((id) => rm(facePath(dir, id), { force: true })));
}
