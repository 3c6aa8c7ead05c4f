/**
 * The one place the benchmark touches lib/gallery's search index, so an API change there is a one-file fix
 * here. Answers row numbers (0-based, best first) so callers can check the top hit.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './photos';

export interface BenchIndex {
  /** Row numbers of the k nearest rows to a unit query (cosine), best first. */
  search(query: Float32Array, k: number): Promise<number[]>;
}

interface GalleryIndexModule {
  createEmbeddingIndex?: (matrix: Float32Array, dims: number) => unknown;
}

export const galleryIndexName = 'lib/gallery createEmbeddingIndex';

/** Builds the gallery's index over a row-major float32 [n, dims] matrix of unit vectors. */
export async function buildGalleryIndex(matrix: Float32Array, dims: number): Promise<BenchIndex> {
  const url = pathToFileURL(path.join(repoRoot, 'lib', 'gallery', 'index.ts')).href;
  const mod = (await import(url)) as GalleryIndexModule;
  if (typeof mod.createEmbeddingIndex !== 'function') throw new Error(`lib/gallery has no createEmbeddingIndex yet`);
  const index = (await mod.createEmbeddingIndex(matrix, dims)) as { search: (q: Float32Array, k: number) => unknown };
  return {
    async search(query, k) {
      const hits = (await index.search(query, k)) as Array<{ row?: number; index?: number } | number>;
      return hits.map((h) => (typeof h === 'number' ? h : (h.row ?? h.index ?? -1)));
    },
  };
}
