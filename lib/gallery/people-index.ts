import { createEmbeddingIndex, type EmbeddingIndex } from './embedding-index';

/**
 * The gallery's search structure: the row index (every face sample) plus each person's centroid, the unit
 * mean of their samples. The matcher scores a person on both (lib/gallery/match.ts, CENTROID_WEIGHT).
 */
export interface PeopleIndex {
  rows: EmbeddingIndex;
  /** owners[row] = index of the row's person. */
  owners: Int32Array;
  /** float32 [people, dims], unit rows (zero for a person without rows). */
  centroids: Float32Array;
  dims: number;
}

/** Builds the index over `matrix` (float32 [rows, dims], unit rows, kept by reference) owned per `owners`. */
export function createPeopleIndex(matrix: Float32Array, owners: Int32Array, dims: number): PeopleIndex {
  const rows = createEmbeddingIndex(matrix, dims);
  if (owners.length !== rows.size) throw new Error(`${owners.length} owners for ${rows.size} rows`);
  const people = owners.reduce((max, p) => Math.max(max, p + 1), 0);
  const centroids = new Float32Array(people * dims);
  for (let row = 0; row < owners.length; row++) {
    const offset = owners[row]! * dims;
    for (let j = 0; j < dims; j++) centroids[offset + j]! += matrix[row * dims + j]!;
  }
  for (let p = 0; p < people; p++) {
    let sum = 0;
    for (let j = 0; j < dims; j++) sum += centroids[p * dims + j]! ** 2;
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let j = 0; j < dims; j++) centroids[p * dims + j]! *= inv;
  }
  return { rows, owners, centroids, dims };
}

/** Cosine of a unit query to person `person`'s centroid. */
export function centroidSimilarity(index: PeopleIndex, person: number, query: Float32Array): number {
  const offset = person * index.dims;
  let dot = 0;
  for (let j = 0; j < index.dims; j++) dot += index.centroids[offset + j]! * query[j]!;
  return dot;
}
