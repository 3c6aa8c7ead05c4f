import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Gender } from './gallery';
import type { KnownPerson } from './merge';

/**
 * The shipped celebrity pack (`packs/celebrities/`): whom the product knows out of the box, as derived
 * numbers only (no photo, crop or thumbnail).
 * - `pack.json`: format, the embedding model's SHA-256, dims, and the people in row order, one a line;
 * - `embeddings.i8`: int8 [rows, dims], each row a unit embedding scaled so its largest component is ±127.
 * A row's scale needs no storing: cosine ignores length, so a row is read back as q / |q| (docs/pack.md
 * measures what the rounding costs: nothing in the LFW figures).
 */
export const PACK_FILE = 'pack.json';
export const PACK_EMBEDDINGS_FILE = 'embeddings.i8';
const FORMAT = 'celebrity-finder-pack';

const packPersonSchema = z.object({
  id: z.string().regex(/^[0-9A-Za-z]{1,64}$/),
  name: z.string().min(1),
  /** Other spellings of the name in the source sets (e.g. LFW's "Joseph Biden"): an import under one extends this person. */
  aliases: z.array(z.string().min(1)),
  urls: z.array(z.string()),
  knownGender: z.enum(['Male', 'Female']).optional(),
  rows: z.number().int().min(1),
  /** Rows per source set (lfw, pins_105, raw): where the person's face samples came from. */
  sources: z.record(z.string(), z.number().int().min(1)),
});

const packFileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  model: z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  dims: z.number().int().positive(),
  rows: z.number().int().min(0),
  encoding: z.literal('int8-unit-rows'),
  people: z.array(packPersonSchema),
});

export type PackPerson = z.infer<typeof packPersonSchema>;
export type PackMeta = z.infer<typeof packFileSchema>;

/** A pack in memory: metadata and the float32 [rows, dims] matrix of unit rows, people's rows in order. */
export interface CelebrityPack {
  meta: PackMeta;
  matrix: Float32Array;
}

/** Raised when the pack was built with another embedding model: its vectors would be meaningless here. */
export class PackModelMismatchError extends Error {}

/** Quantizes unit rows (float32 [rows, dims]) to int8, each row scaled so its largest |component| is 127. */
export function encodePackRows(matrix: Float32Array, dims: number): Int8Array {
  const out = new Int8Array(matrix.length);
  for (let offset = 0; offset < matrix.length; offset += dims) {
    let maxAbs = 0;
    for (let j = 0; j < dims; j++) maxAbs = Math.max(maxAbs, Math.abs(matrix[offset + j]!));
    const scale = maxAbs > 0 ? 127 / maxAbs : 0;
    for (let j = 0; j < dims; j++) out[offset + j] = Math.round(matrix[offset + j]! * scale);
  }
  return out;
}

/** Reads int8 rows back as float32 unit rows (q / |q|). */
export function decodePackRows(quantized: Int8Array, dims: number): Float32Array {
  const out = new Float32Array(quantized.length);
  for (let offset = 0; offset < quantized.length; offset += dims) {
    let sum = 0;
    for (let j = 0; j < dims; j++) sum += quantized[offset + j]! * quantized[offset + j]!;
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let j = 0; j < dims; j++) out[offset + j] = quantized[offset + j]! * inv;
  }
  return out;
}

/** Hex SHA-256 of a model file: the pack records it, and a server refuses a pack built with another model. */
export async function fileSha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** pack.json with one person a line, so a rebuild's diff shows who changed. */
function formatMeta(meta: PackMeta): string {
  const { people, ...head } = meta;
  const lines = people.map((p) => `    ${JSON.stringify(p)}`);
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  return `${headText},\n  "people": [\n${lines.join(',\n')}\n  ]\n}\n`;
}

/** Writes a pack (meta + int8 rows of `matrix`) into `dir`; each file goes to a temp name and is renamed. */
export async function writePack(dir: string, meta: Omit<PackMeta, 'format' | 'version' | 'encoding' | 'rows'>, matrix: Float32Array): Promise<PackMeta> {
  const rows = meta.people.reduce((sum, p) => sum + p.rows, 0);
  if (rows * meta.dims !== matrix.length) throw new Error(`people hold ${rows} rows, the matrix ${matrix.length / meta.dims}`);
  const full: PackMeta = { format: FORMAT, version: 1, model: meta.model, dims: meta.dims, rows, encoding: 'int8-unit-rows', people: meta.people };
  await mkdir(dir, { recursive: true });
  const quantized = encodePackRows(matrix, meta.dims);
  await writeFile(join(dir, `${PACK_EMBEDDINGS_FILE}.tmp`), new Uint8Array(quantized.buffer));
  await rename(join(dir, `${PACK_EMBEDDINGS_FILE}.tmp`), join(dir, PACK_EMBEDDINGS_FILE));
  await writeFile(join(dir, `${PACK_FILE}.tmp`), formatMeta(full));
  await rename(join(dir, `${PACK_FILE}.tmp`), join(dir, PACK_FILE));
  return full;
}

/**
 * Loads the pack in `dir`. `modelSha256` is the hash of the embedding model this server runs: a pack made
 * with another model is refused with PackModelMismatchError (matching its vectors would name strangers).
 */
export async function loadPack(dir: string, modelSha256: string): Promise<CelebrityPack> {
  const path = join(dir, PACK_FILE);
  const parsed = packFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is not a valid celebrity pack: ${parsed.error.issues[0]?.message}`);
  const meta = parsed.data;
  if (meta.model.sha256 !== modelSha256) {
    throw new PackModelMismatchError(
      `The celebrity pack ${dir} was built with a different embedding model (${meta.model.file} sha256 ${meta.model.sha256.slice(0, 12)}…, ` +
      `this server runs ${modelSha256.slice(0, 12)}…): refusing it. Rebuild it with npm run gallery:build-pack, or set CELEBRITY_PACK=off.`,
    );
  }
  const bytes = await readFile(join(dir, PACK_EMBEDDINGS_FILE));
  if (bytes.byteLength !== meta.rows * meta.dims) throw new Error(`${join(dir, PACK_EMBEDDINGS_FILE)} holds ${bytes.byteLength} bytes, expected ${meta.rows * meta.dims}`);
  const rowsOfPeople = meta.people.reduce((sum, p) => sum + p.rows, 0);
  if (rowsOfPeople !== meta.rows) throw new Error(`${path}: people hold ${rowsOfPeople} rows, header says ${meta.rows}`);
  return { meta, matrix: decodePackRows(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), meta.dims) };
}

/** The pack's people as gallery people, their embeddings views into the pack's matrix. */
export function packPeople(pack: CelebrityPack): KnownPerson[] {
  const { dims } = pack.meta;
  let row = 0;
  return pack.meta.people.map((p) => {
    const embeddings = pack.matrix.subarray(row * dims, (row + p.rows) * dims);
    row += p.rows;
    const gender: Gender | undefined = p.knownGender;
    return {
      id: p.id,
      name: p.name,
      aliases: p.aliases,
      urls: p.urls,
      ...(gender ? { knownGender: gender } : {}),
      genderVotes: { Male: gender === 'Male' ? 1 : 0, Female: gender === 'Female' ? 1 : 0 },
      embeddings,
      sources: Array.from({ length: p.rows }, (_, i) => `pack:${p.id}:${i}`),
      origin: p.sources,
    };
  });
}
