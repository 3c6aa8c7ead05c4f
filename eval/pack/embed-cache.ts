/**
 * Embeds photos through the import's worker pool and keeps every face found (box, flip-averaged embedding,
 * gender estimate, quality signs) in a cache keyed by the embedding model's hash and each photo's content
 * (size and SHA-1 of its bytes; the mtime only spares re-hashing an unchanged file), so the pack build and
 * its held-out evaluations embed each photo once, and a copy of the datasets (new mtimes) still hits.
 * Lab and build tooling: not used by the server.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { EMBEDDING_PIPELINE_VERSION } from '../../lib/engine';
import { faceQuality, type FaceQuality, type Gender } from '../../lib/gallery';
import { createEmbeddingPool } from '../../scripts/gallery-pool';

export interface CachedFace {
  box: { x: number; y: number; width: number; height: number };
  /** float32 [512], unit, flip-averaged. */
  embedding: Float32Array;
  gender?: Gender;
  /** Detector score, 0..1. */
  score: number;
  /** Length of the face's own raw embedding before normalisation (AnalyzedFace.embeddingNorm). */
  embeddingNorm: number;
  /** Eyes (image-left first), nose, mouth corners in pixels. */
  five: Array<{ x: number; y: number }>;
}

export interface CachedPhoto {
  width: number;
  height: number;
  faces: CachedFace[];
  /** The gender net ran on this photo's faces. */
  attributes: boolean;
  error?: string;
}

interface Stamp {
  size: number;
  mtimeMs: number;
  /** SHA-1 of the photo's bytes, hex. */
  sha1: string;
}

interface IndexEntry extends Stamp {
  width: number;
  height: number;
  attributes: boolean;
  error?: string;
  faces: Array<Omit<CachedFace, 'embedding'> & { row: number }>;
}

export interface EmbedRequest {
  /** Key and path relative to `root`. */
  path: string;
  attributes: boolean;
}

const DIMS = 512;

/** The cache file (stem) for an embedding model: its hash and the engine's way to its input identify what is in it. */
export function packCacheFile(modelHash: string): string {
  return resolve('.cache/pack', `embeddings-${modelHash.slice(0, 16)}-p${EMBEDDING_PIPELINE_VERSION}`);
}

type Stamped = CachedPhoto & Stamp;

/** What identifies a photo's content: its size and the SHA-1 of its bytes. */
async function contentStamp(path: string): Promise<Stamp> {
  const info = await stat(path);
  return { size: info.size, mtimeMs: info.mtimeMs, sha1: createHash('sha1').update(await readFile(path)).digest('hex') };
}

async function readCache(file: string): Promise<Map<string, Stamped>> {
  const out = new Map<string, Stamped>();
  let index: Record<string, IndexEntry>;
  let matrix: Float32Array;
  try {
    index = JSON.parse(await readFile(`${file}.json`, 'utf8')) as Record<string, IndexEntry>;
    const bytes = await readFile(`${file}.f32`);
    matrix = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  } catch {
    return out;
  }
  for (const [path, entry] of Object.entries(index)) {
    // Entries of an older format (no content hash or no quality signs) are embedded again.
    if (typeof entry.sha1 !== 'string' || entry.faces.some((f) => typeof f.embeddingNorm !== 'number')) continue;
    const faces = entry.faces.map(({ row, ...f }) => ({ ...f, embedding: matrix.slice(row * DIMS, (row + 1) * DIMS) }));
    out.set(path, { size: entry.size, mtimeMs: entry.mtimeMs, sha1: entry.sha1, width: entry.width, height: entry.height, attributes: entry.attributes, faces, ...(entry.error ? { error: entry.error } : {}) });
  }
  return out;
}

async function writeCache(file: string, photos: Map<string, Stamped>): Promise<void> {
  const index: Record<string, IndexEntry> = {};
  const rows: Float32Array[] = [];
  for (const [path, photo] of [...photos].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const faces = photo.faces.map(({ embedding, ...f }) => {
      rows.push(embedding);
      return { ...f, row: rows.length - 1 };
    });
    index[path] = { size: photo.size, mtimeMs: photo.mtimeMs, sha1: photo.sha1, width: photo.width, height: photo.height, attributes: photo.attributes, faces, ...(photo.error ? { error: photo.error } : {}) };
  }
  const matrix = new Float32Array(rows.length * DIMS);
  rows.forEach((row, i) => matrix.set(row, i * DIMS));
  await writeFile(`${file}.f32.tmp`, new Uint8Array(matrix.buffer));
  await rename(`${file}.f32.tmp`, `${file}.f32`);
  await writeFile(`${file}.json.tmp`, JSON.stringify(index));
  await rename(`${file}.json.tmp`, `${file}.json`);
}

/** A cached face's quality signs, as the recognizer computes them (lib/gallery faceQuality). */
export function cachedFaceQuality(face: CachedFace): FaceQuality {
  return faceQuality(face.embeddingNorm, face.score, face.five);
}

/** The cache as it stands (no photo is embedded or checked against its file): for evaluations that reuse it. */
export async function readEmbedCache(file: string): Promise<Map<string, CachedPhoto>> {
  return readCache(file);
}

export interface EmbedOptions {
  root: string;
  modelDir: string;
  /** Cache file stem (…/embeddings-<model hash>), or null for no cache. */
  cacheFile: string | null;
  workers?: number;
}

/** Faces of every requested photo, from the cache where it is still valid, else embedded now (with a progress bar). */
export async function embedPhotos(requests: readonly EmbedRequest[], options: EmbedOptions): Promise<Map<string, CachedPhoto>> {
  const cache = options.cacheFile ? await readCache(options.cacheFile) : new Map<string, Stamped>();
  const todo: Array<EmbedRequest & Stamp> = [];
  let restamped = 0;
  for (const request of requests) {
    const path = join(options.root, request.path);
    const hit = cache.get(request.path);
    const usable = hit && (hit.attributes || !request.attributes);
    if (usable) {
      const info = await stat(path);
      if (hit.size === info.size && hit.mtimeMs === info.mtimeMs) continue;
      // Touched or copied: the same bytes are still a hit.
      const stamp = await contentStamp(path);
      if (hit.size === stamp.size && hit.sha1 === stamp.sha1) {
        cache.set(request.path, { ...hit, mtimeMs: stamp.mtimeMs });
        restamped += 1;
        continue;
      }
      todo.push({ ...request, ...stamp });
    } else {
      todo.push({ ...request, ...(await contentStamp(path)) });
    }
  }
  console.log(`embedding: ${requests.length - todo.length} photos from the cache (${restamped} with a new mtime, same bytes), ${todo.length} to embed`);
  if (todo.length > 0) {
    const workers = options.workers ?? 2;
    const pool = await createEmbeddingPool(options.modelDir, workers, 1);
    const bar = new cliProgress.SingleBar({
      format: 'embedding {bar} {value}/{total} photos | {rate} photos/s | ETA {eta_formatted}',
      noTTYOutput: true,
      notTTYSchedule: 10_000,
    }, cliProgress.Presets.shades_classic);
    const started = performance.now();
    bar.start(todo.length, 0, { rate: '0.0' });
    let next = 0;
    let done = 0;
    try {
      const lane = async () => {
        while (next < todo.length) {
          const task = todo[next++]!;
          const result = await pool.analyze(join(options.root, task.path), task.attributes);
          const stamp = { size: task.size, mtimeMs: task.mtimeMs, sha1: task.sha1 };
          const entry: Stamped = 'error' in result
            ? { ...stamp, width: 0, height: 0, faces: [], attributes: task.attributes, error: result.error }
            : {
                ...stamp, width: result.width, height: result.height, attributes: task.attributes,
                faces: result.faces.map((f) => ({ box: f.box, embedding: f.embedding, ...(f.gender ? { gender: f.gender } : {}), score: f.score ?? 1, embeddingNorm: f.embeddingNorm ?? 0, five: f.five ?? [] })),
              };
          cache.set(task.path, entry);
          done += 1;
          bar.update(done, { rate: (done / ((performance.now() - started) / 1000)).toFixed(1) });
        }
      };
      await Promise.all(Array.from({ length: workers * 2 }, lane));
    } finally {
      bar.stop();
      await pool.close();
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`embedded ${todo.length} photos in ${seconds.toFixed(1)} s (${(todo.length / seconds).toFixed(1)} photos/s, ${workers} workers)`);
  }
  if (options.cacheFile && (todo.length > 0 || restamped > 0)) {
    await mkdir(join(options.cacheFile, '..'), { recursive: true });
    await writeCache(options.cacheFile, cache);
  }
  return new Map(requests.map((r) => [r.path, cache.get(r.path)!]));
}
