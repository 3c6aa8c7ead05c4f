import { createEmbeddingIndex, type EmbeddingIndex } from './embedding-index';

/**
 * The gallery's search structure: the row index (every face sample) plus the centroid (unit mean of the
 * samples) of each person with several. The matcher scores a person on both (lib/gallery/match.ts,
 * CENTROID_WEIGHT); a person with one sample is their own centroid.
 */
export interface PeopleIndex {
  rows: EmbeddingIndex;
  /** owners[row] = index of the row's person. */
  owners: Int32Array;
  /** centroidOf[person] = row of `centroids`, or -1 for a person with a single sample. */
  centroidOf: Int32Array;
  /** float32 [people with several samples, dims], unit rows. */
  centroids: Float32Array;
  dims: number;
}

/**
 * Builds the index over `matrix` (float32 [rows, dims], unit rows) owned per `owners`. With
 * `rescore: 'int8'` the index keeps no reference to `matrix` (see createEmbeddingIndex).
 */
export function createPeopleIndex(matrix: Float32Array, owners: Int32Array, dims: number, options: { rescore?: 'float32' | 'int8' } = {}): PeopleIndex {
  if (owners.length * dims !== matrix.length) throw new Error(`${owners.length} owners for ${matrix.length / dims} rows`);
  const people = owners.reduce((max, p) => Math.max(max, p + 1), 0);
  const samples = new Int32Array(people);
  for (const person of owners) samples[person]! += 1;
  const centroidOf = new Int32Array(people).fill(-1);
  let several = 0;
  for (let p = 0; p < people; p++) if (samples[p]! > 1) centroidOf[p] = several++;
  const centroids = new Float32Array(several * dims);
  for (let row = 0; row < owners.length; row++) {
    const slot = centroidOf[owners[row]!]!;
    if (slot < 0) continue;
    for (let j = 0; j < dims; j++) centroids[slot * dims + j]! += matrix[row * dims + j]!;
  }
  for (let c = 0; c < several; c++) {
    let sum = 0;
    for (let j = 0; j < dims; j++) sum += centroids[c * dims + j]! ** 2;
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let j = 0; j < dims; j++) centroids[c * dims + j]! *= inv;
  }
  return { rows: createEmbeddingIndex(matrix, dims, options), owners, centroidOf, centroids, dims };
}

/** Cosine of a unit query to `person`'s centroid, or null for a person with one sample (their row is their centroid). */
export function centroidSimilarity(index: PeopleIndex, person: number, query: Float32Array): number | null {
  const slot = index.centroidOf[person] ?? -1;
  if (slot < 0) return null;
  const offset = slot * index.dims;
  let dot = 0;
  for (let j = 0; j < index.dims; j++) dot += index.centroids[offset + j]! * query[j]!;
  return dot;
}
