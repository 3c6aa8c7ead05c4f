import { createEmbeddingIndex, type EmbeddingIndex } from './embedding-index';

/** Face samples searched together: a row index and the person (index into the people list) owning each row. */
export interface RowPart {
  rows: EmbeddingIndex;
  /** owners[row] = index of the row's person. */
  owners: Int32Array;
}

/**
 * The gallery's search structure: the row index (every face sample, in one or more parts) plus the centroid
 * (unit mean of the samples) of each person with several. The matcher scores a person on both
 * (lib/gallery/match.ts, CENTROID_WEIGHT); a person with one sample is their own centroid.
 */
export interface PeopleIndex {
  /** One part, or the celebrity pack's (built once) and the operator's (rebuilt when the gallery changes). */
  parts: RowPart[];
  /** centroidOf[person] = row of `centroids`, or -1 for a person with a single sample. */
  centroidOf: Int32Array;
  /** float32 [people with several samples, dims], unit rows. */
  centroids: Float32Array;
  dims: number;
  /** excluded[person] = 1 for people never to be named or ranked (the opt-out list); none when absent. */
  excluded?: Uint8Array;
  /** Rows owned by excluded people: searches ask for that many more rows so the nearest rows of the others stay in. */
  excludedRows: number;
  /** Faces admins marked "this is not them", per person (float32 [count, dims], unit rows): see rankWithNegatives. */
  negatives?: ReadonlyMap<number, Float32Array>;
}

/** Centroids (unit mean) of every person with more than one row. */
function centroidsOf(people: number, rowsOf: (person: number) => Float32Array[], dims: number): { centroidOf: Int32Array; centroids: Float32Array } {
  const centroidOf = new Int32Array(people).fill(-1);
  const sums: Float32Array[] = [];
  for (let p = 0; p < people; p++) {
    const rows = rowsOf(p);
    if (rows.length < 2) continue;
    const sum = new Float32Array(dims);
    for (const row of rows) for (let j = 0; j < dims; j++) sum[j]! += row[j]!;
    centroidOf[p] = sums.length;
    sums.push(sum);
  }
  const centroids = new Float32Array(sums.length * dims);
  sums.forEach((sum, slot) => centroids.set(unit(sum), slot * dims));
  return { centroidOf, centroids };
}

function unit(v: Float32Array): Float32Array {
  let sum = 0;
  for (let j = 0; j < v.length; j++) sum += v[j]! ** 2;
  const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let j = 0; j < v.length; j++) v[j]! *= inv;
  return v;
}

/** Rows of `matrix` (float32 [rows, dims]) grouped by owner, as views. */
function rowsByOwner(matrix: Float32Array, owners: Int32Array, dims: number, people: number): Float32Array[][] {
  const byOwner: Float32Array[][] = Array.from({ length: people }, () => []);
  owners.forEach((person, row) => byOwner[person]!.push(matrix.subarray(row * dims, (row + 1) * dims)));
  return byOwner;
}

/**
 * Builds the index over `matrix` (float32 [rows, dims], unit rows) owned per `owners`. With
 * `rescore: 'int8'` the index keeps no reference to `matrix` (see createEmbeddingIndex).
 */
export function createPeopleIndex(
  matrix: Float32Array, owners: Int32Array, dims: number,
  options: { rescore?: 'float32' | 'int8'; negatives?: ReadonlyMap<number, Float32Array> } = {},
): PeopleIndex {
  if (owners.length * dims !== matrix.length) throw new Error(`${owners.length} owners for ${matrix.length / dims} rows`);
  const people = owners.reduce((max, p) => Math.max(max, p + 1), 0);
  const byOwner = rowsByOwner(matrix, owners, dims, people);
  const { centroidOf, centroids } = centroidsOf(people, (p) => byOwner[p]!, dims);
  return { parts: [{ rows: createEmbeddingIndex(matrix, dims, options), owners }], centroidOf, centroids, dims, excludedRows: 0, negatives: options.negatives };
}

/**
 * A fixed set of people searched first (the celebrity pack: 17k rows, ~1 s to index), built once per
 * process, so a change to the operator's gallery re-indexes only the operator's rows (extendPeopleIndex).
 * Each person's rows are consecutive.
 */
export interface PeopleBase {
  part: RowPart;
  people: number;
  /** First row and row count of each base person. */
  firstRow: Int32Array;
  rowCount: Int32Array;
  centroidOf: Int32Array;
  centroids: Float32Array;
  dims: number;
}

/** Indexes base people whose rows are consecutive in `matrix` (`owners` non-decreasing); int8 rows only are kept. */
export function createPeopleBase(matrix: Float32Array, owners: Int32Array, people: number, dims: number): PeopleBase {
  if (owners.length * dims !== matrix.length) throw new Error(`${owners.length} owners for ${matrix.length / dims} rows`);
  const firstRow = new Int32Array(people).fill(-1);
  const rowCount = new Int32Array(people);
  owners.forEach((person, row) => {
    if (person < 0 || person >= people) throw new Error(`row ${row} has owner ${person}, outside 0..${people - 1}`);
    if (row > 0 && owners[row - 1]! > person) throw new Error('base rows must be grouped by person, in person order');
    if (firstRow[person] === -1) firstRow[person] = row;
    rowCount[person]! += 1;
  });
  const byOwner = rowsByOwner(matrix, owners, dims, people);
  const { centroidOf, centroids } = centroidsOf(people, (p) => byOwner[p]!, dims);
  return { part: { rows: createEmbeddingIndex(matrix, dims, { rescore: 'int8' }), owners }, people, firstRow, rowCount, centroidOf, centroids, dims };
}

export interface ExtraRows {
  /** float32 [rows, dims], unit rows (the operator's samples). */
  matrix: Float32Array;
  /** Owner of each row: a base person (< base.people) the row extends, or a person after them. */
  owners: Int32Array;
  /** People in all: base people first, then the extra ones. */
  people: number;
  dims: number;
}

/**
 * The base's people plus extra rows and people: the base's row index is shared, the extra rows get their
 * own (int8, like the base), and centroids are recomputed only for people with extra rows. `excluded`
 * people (the opt-out list) are never ranked; `negatives` feed rankWithNegatives.
 */
export function extendPeopleIndex(
  base: PeopleBase | null, extra: ExtraRows,
  options: { excluded?: Uint8Array; negatives?: ReadonlyMap<number, Float32Array> } = {},
): PeopleIndex {
  const { dims } = extra;
  if (base && base.dims !== dims) throw new Error(`extra rows have ${dims} dims, the base ${base.dims}`);
  if (extra.owners.length * dims !== extra.matrix.length) throw new Error(`${extra.owners.length} owners for ${extra.matrix.length / dims} rows`);
  const baseCount = base?.people ?? 0;
  if (extra.people < baseCount) throw new Error(`${extra.people} people, fewer than the base's ${baseCount}`);
  const extraByOwner = rowsByOwner(extra.matrix, extra.owners, dims, extra.people);
  const baseRows = (p: number): Float32Array[] => {
    if (!base || p >= baseCount) return [];
    return Array.from({ length: base.rowCount[p]! }, (_, i) => base.part.rows.row(base.firstRow[p]! + i));
  };
  const recomputed = new Set<number>();
  extra.owners.forEach((p) => recomputed.add(p));
  // Base people without extra rows keep the base's centroid; the others get theirs from all their rows.
  const own = centroidsOf(extra.people, (p) => (recomputed.has(p) ? [...baseRows(p), ...extraByOwner[p]!] : []), dims);
  const centroidOf = new Int32Array(extra.people).fill(-1);
  const reused: number[] = [];
  for (let p = 0; p < extra.people; p++) {
    if (own.centroidOf[p]! >= 0) continue;
    if (!recomputed.has(p) && base && p < baseCount && base.centroidOf[p]! >= 0) reused.push(p);
  }
  const centroids = new Float32Array(own.centroids.length + reused.length * dims);
  centroids.set(own.centroids);
  let slot = own.centroids.length / dims;
  for (let p = 0; p < extra.people; p++) if (own.centroidOf[p]! >= 0) centroidOf[p] = own.centroidOf[p]!;
  for (const p of reused) {
    centroids.set(base!.centroids.subarray(base!.centroidOf[p]! * dims, (base!.centroidOf[p]! + 1) * dims), slot * dims);
    centroidOf[p] = slot++;
  }
  const parts: RowPart[] = [];
  if (base && base.part.rows.size > 0) parts.push(base.part);
  if (extra.owners.length > 0) parts.push({ rows: createEmbeddingIndex(extra.matrix, dims, { rescore: 'int8' }), owners: extra.owners });
  const excluded = options.excluded;
  let excludedRows = 0;
  if (excluded) for (const part of parts) for (const owner of part.owners) excludedRows += excluded[owner] ?? 0;
  return { parts, centroidOf, centroids, dims, excluded, excludedRows, negatives: options.negatives };
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

/** Highest cosine of a unit query to any of `rows` (float32 [n, dims]), or -Infinity for none. */
export function bestCosine(rows: Float32Array, query: Float32Array, dims: number): number {
  let best = -Infinity;
  for (let offset = 0; offset < rows.length; offset += dims) {
    let dot = 0;
    for (let j = 0; j < dims; j++) dot += rows[offset + j]! * query[j]!;
    best = Math.max(best, dot);
  }
  return best;
}
