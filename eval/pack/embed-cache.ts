/**
 * Embeds photos through the import's worker pool and keeps every face found (box, flip-averaged embedding,
 * gender estimate) in a cache keyed by the embedding model's hash and each photo's size and mtime, so the
 * pack build and its held-out evaluations embed each photo once. Lab and build tooling: not used by the server.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Gender } from '../../lib/gallery';
import { createEmbeddingPool } from '../../scripts/gallery-pool';

export interface CachedFace {
  box: { x: number; y: number; width: number; height: number };
  /** float32 [512], unit, flip-averaged. */
  embedding: Float32Array;
  gender?: Gender;
}

export interface CachedPhoto {
  width: number;
  height: number;
  faces: CachedFace[];
  /** The gender net ran on this photo's faces. */
  attributes: boolean;
  error?: string;
}

interface IndexEntry {
  size: number;
  mtimeMs: number;
  width: number;
  height: number;
  attributes: boolean;
  error?: string;
  faces: Array<{ box: CachedFace['box']; gender?: Gender; row: number }>;
}

export interface EmbedRequest {
  /** Key and path relative to `root`. */
  path: string;
  attributes: boolean;
}

const DIMS = 512;

async function readCache(file: string): Promise<Map<string, CachedPhoto & { size: number; mtimeMs: number }>> {
  const out = new Map<string, CachedPhoto & { size: number; mtimeMs: number }>();
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
    const faces = entry.faces.map((f) => ({ box: f.box, embedding: matrix.slice(f.row * DIMS, (f.row + 1) * DIMS), ...(f.gender ? { gender: f.gender } : {}) }));
    out.set(path, { size: entry.size, mtimeMs: entry.mtimeMs, width: entry.width, height: entry.height, attributes: entry.attributes, faces, ...(entry.error ? { error: entry.error } : {}) });
  }
  return out;
}

async function writeCache(file: string, photos: Map<string, CachedPhoto & { size: number; mtimeMs: number }>): Promise<void> {
  const index: Record<string, IndexEntry> = {};
  const rows: Float32Array[] = [];
  for (const [path, photo] of [...photos].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const faces = photo.faces.map((f) => {
      rows.push(f.embedding);
      return { box: f.box, ...(f.gender ? { gender: f.gender } : {}), row: rows.length - 1 };
    });
    index[path] = { size: photo.size, mtimeMs: photo.mtimeMs, width: photo.width, height: photo.height, attributes: photo.attributes, faces, ...(photo.error ? { error: photo.error } : {}) };
  }
  const matrix = new Float32Array(rows.length * DIMS);
  rows.forEach((row, i) => matrix.set(row, i * DIMS));
  await writeFile(`${file}.f32.tmp`, new Uint8Array(matrix.buffer));
  await rename(`${file}.f32.tmp`, `${file}.f32`);
  await writeFile(`${file}.json.tmp`, JSON.stringify(index));
  await rename(`${file}.json.tmp`, `${file}.json`);
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
  const cache = options.cacheFile ? await readCache(options.cacheFile) : new Map<string, CachedPhoto & { size: number; mtimeMs: number }>();
  const todo: Array<EmbedRequest & { size: number; mtimeMs: number }> = [];
  for (const request of requests) {
    const info = await stat(join(options.root, request.path));
    const hit = cache.get(request.path);
    const valid = hit && hit.size === info.size && hit.mtimeMs === info.mtimeMs && (hit.attributes || !request.attributes);
    if (!valid) todo.push({ ...request, size: info.size, mtimeMs: info.mtimeMs });
  }
  console.log(`embedding: ${requests.length - todo.length} photos from the cache, ${todo.length} to embed`);
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
          const entry = 'error' in result
            ? { size: task.size, mtimeMs: task.mtimeMs, width: 0, height: 0, faces: [], attributes: task.attributes, error: result.error }
            : { size: task.size, mtimeMs: task.mtimeMs, width: result.width, height: result.height, attributes: task.attributes, faces: result.faces.map((f) => ({ box: f.box, embedding: f.embedding, ...(f.gender ? { gender: f.gender } : {}) })) };
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
    if (options.cacheFile) {
      await mkdir(join(options.cacheFile, '..'), { recursive: true });
      await writeCache(options.cacheFile, cache);
    }
  }
  return new Map(requests.map((r) => [r.path, cache.get(r.path)!]));
}
