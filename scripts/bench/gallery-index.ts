/**
 * The one place the benchmark touches lib/gallery, so an API change there is a one-file fix here:
 * the raw index (for the 10k/100k/1M search) and the recognizer's match path (for end to end).
 */
import { createEmbeddingIndex, decideMatch, DEFAULT_MATCH_THRESHOLD, searchPeople } from '../../lib/gallery/index';

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

/**
 * What the local recognizer does per face: nearest rows grouped by person (searchPeople), then the
 * open-set decision at the default threshold. `owners[row]` is the person index of each row.
 */
export function buildGalleryMatcher(matrix: Float32Array, dims: number, owners: Int32Array): (embedding: Float32Array) => boolean {
  const index = createEmbeddingIndex(matrix, dims);
  return (embedding) => decideMatch(searchPeople(index, owners, embedding), DEFAULT_MATCH_THRESHOLD) !== null;
}
