import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { createGallery, type Gallery, type Person } from './gallery';

/**
 * On-disk gallery under GALLERY_PATH (a directory):
 * - `gallery.json`: metadata (people in matrix order with their row counts, photo records), written last;
 * - `embeddings-<stamp>.f32`: float32 little-endian [rows, dims], the rows of all people in order.
 * Both are written to a temp file and renamed, and the JSON names its matrix file, so a reader sees either
 * the old gallery or the new one, never half of each. The previous matrix file is kept one generation so
 * a reader that read the old JSON just before the swap can still open its matrix.
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
});

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
  people: z.array(personSchema),
  photos: z.record(z.string(), photoSchema),
});

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temp, data);
  await rename(temp, path);
}

/** Writes `gallery` to directory `dir` atomically (see the module comment); creates `dir` if needed. */
export async function saveGallery(dir: string, gallery: Gallery): Promise<void> {
  await mkdir(dir, { recursive: true });
  let previous: string | undefined;
  try {
    previous = fileSchema.shape.embeddingsFile.parse(JSON.parse(await readFile(join(dir, GALLERY_FILE), 'utf8')).embeddingsFile);
  } catch {
    previous = undefined;
  }
  const embeddingsFile = `embeddings-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.f32`;
  const chunks = gallery.people.map((p) => new Uint8Array(p.embeddings.buffer, p.embeddings.byteOffset, p.embeddings.byteLength));
  await writeAtomic(join(dir, embeddingsFile), Buffer.concat(chunks));
  const people = gallery.people.map(({ embeddings, ...rest }) => ({ ...rest, rows: embeddings.length / gallery.dims }));
  const rows = people.reduce((sum, p) => sum + p.rows, 0);
  const meta = { format: FORMAT, version: 1, dims: gallery.dims, rows, embeddingsFile, people, photos: gallery.photos };
  await writeAtomic(join(dir, GALLERY_FILE), JSON.stringify(meta));
  for (const name of await readdir(dir)) {
    const stale = name.startsWith('embeddings-') && name !== embeddingsFile && name !== previous;
    if (stale || name.includes('.tmp-')) await rm(join(dir, name), { force: true });
  }
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
  let row = 0;
  const people: Person[] = meta.people.map(({ rows, ...rest }) => {
    const embeddings = matrix.subarray(row * meta.dims, (row + rows) * meta.dims);
    row += rows;
    return { ...rest, embeddings };
  });
  if (row !== meta.rows) throw new Error(`${join(dir, GALLERY_FILE)}: people hold ${row} rows, header says ${meta.rows}`);
  return { dims: meta.dims, people, photos: meta.photos };
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
