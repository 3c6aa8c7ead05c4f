/**
 * The one place the benchmark touches lib/gallery's search index, so an API change there is a one-file fix
 * here. Answers row numbers (0-based, best first) so callers can check the top hit.
 */
import { createEmbeddingIndex } from '../../lib/gallery/embedding-index';

export interface BenchIndex {
  /** Row numbers of the k nearest rows to a unit query (cosine), best first. */
  search(query: Float32Array, k: number): number[];
}

export const galleryIndexName = 'lib/gallery createEmbeddingIndex (int8 WASM-SIMD scan + exact re-score)';

/** Builds the gallery's index over a row-major float32 [n, dims] matrix of unit vectors. */
export function buildGalleryIndex(matrix: Float32Array, dims: number): BenchIndex {
  const index = createEmbeddingIndex(matrix, dims);
  return { search: (query, k) => index.search(query, k).map((hit) => hit.row) };
}
