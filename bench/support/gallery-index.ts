/**
 * The one place the benchmark touches lib/gallery, so an API change there is a one-file fix here:
 * the raw index (for the 10k/100k/1M search) and the recognizer's match path (for end to end).
 */
import { createEmbeddingIndex, createPeopleIndex, DEFAULT_MATCH_THRESHOLD, matchFace, searchPeople, type MatchableFace } from '../../lib/gallery/index';

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

/** The recognizer's match path for one face, and how many faces so far it matched and ran the mirror image for. */
export interface GalleryMatcher {
  match(face: MatchableFace): Promise<boolean>;
  counts(): { faces: number; flipRuns: number };
}

/**
 * What the local recognizer does per face (lib/gallery matchFace): nearest rows grouped by person, the
 * open-set decision at the default threshold, the flip-averaged embedding only where it could change it.
 * `owners[row]` is the person index of each row.
 */
export function buildGalleryMatcher(matrix: Float32Array, dims: number, owners: Int32Array): GalleryMatcher {
  const index = createPeopleIndex(matrix, owners, dims);
  const rank = (embedding: Float32Array) => searchPeople(index, embedding);
  let faces = 0;
  let flipRuns = 0;
  return {
    async match(face) {
      faces++;
      const counted = face.flipAveraged && { embedding: face.embedding, flipAveraged: () => (flipRuns++, face.flipAveraged!()) };
      return (await matchFace(counted || face, rank, DEFAULT_MATCH_THRESHOLD)) !== null;
    },
    counts: () => ({ faces, flipRuns }),
  };
}
