import { createScanKernel } from './wasm-scan';

/** One nearest row: its 0-based row number in the matrix and its exact cosine similarity to the query. */
export interface SearchHit {
  row: number;
  score: number;
}

/** Exact-scored nearest-neighbour search over a fixed matrix of unit embeddings. */
export interface EmbeddingIndex {
  readonly size: number;
  readonly dims: number;
  /** The `k` rows with the highest cosine similarity to `query` (float32 [dims], unit length), best first. */
  search(query: Float32Array, k: number): SearchHit[];
  /** Row `row` as the index scores it: the float32 row, or with `rescore: 'int8'` its int8 copy scaled back (within ~0.005). */
  row(row: number): Float32Array;
}

/**
 * Candidates kept from the int8 pass before exact float32 re-scoring. int8 rounding moves a cosine by
 * at most ~0.005, so a shortlist far wider than k makes the final top-k exact in practice.
 */
function shortlistSize(k: number, size: number): number {
  return Math.min(size, Math.max(k * 4, k + 64));
}

function quantizeInto(source: Float32Array, target: Int8Array): number {
  let maxAbs = 0;
  for (let i = 0; i < source.length; i++) maxAbs = Math.max(maxAbs, Math.abs(source[i]!));
  const scale = maxAbs > 0 ? 127 / maxAbs : 0;
  for (let i = 0; i < source.length; i++) target[i] = Math.round(source[i]! * scale);
  return scale;
}

/** Indices of the `count` largest values, best first (a bounded min-heap: one pass, no full sort). */
export function topIndices(values: Float32Array, count: number): number[] {
  const heap: number[] = [];
  const less = (a: number, b: number) => values[heap[a]!]! < values[heap[b]!]!;
  const swap = (a: number, b: number) => ([heap[a], heap[b]] = [heap[b]!, heap[a]!]);
  for (let i = 0; i < values.length; i++) {
    if (heap.length === count) {
      if (values[i]! <= values[heap[0]!]!) continue;
      heap[0] = i;
      for (let p = 0; ; ) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < count && less(l, m)) m = l;
        if (r < count && less(r, m)) m = r;
        if (m === p) break;
        swap(m, p);
        p = m;
      }
    } else {
      heap.push(i);
      for (let c = heap.length - 1; c > 0 && less(c, (c - 1) >> 1); c = (c - 1) >> 1) swap(c, (c - 1) >> 1);
    }
  }
  return heap.sort((a, b) => values[b]! - values[a]! || a - b);
}

function dotRow(matrix: Float32Array, row: number, dims: number, query: Float32Array): number {
  let a0 = 0;
  let a1 = 0;
  const offset = row * dims;
  let j = 0;
  for (; j + 1 < dims; j += 2) {
    a0 += matrix[offset + j]! * query[j]!;
    a1 += matrix[offset + j + 1]! * query[j + 1]!;
  }
  if (j < dims) a0 += matrix[offset + j]! * query[j]!;
  return a0 + a1;
}

/** Exact float32 scan of every row: the reference the quantised index is tested against. */
export function searchExact(matrix: Float32Array, dims: number, query: Float32Array, k: number): SearchHit[] {
  const size = matrix.length / dims;
  const scores = new Float32Array(size);
  for (let row = 0; row < size; row++) scores[row] = dotRow(matrix, row, dims, query);
  return topIndices(scores, Math.min(k, size)).map((row) => ({ row, score: scores[row]! }));
}

function checkShape(matrix: Float32Array, dims: number): number {
  if (!Number.isInteger(dims) || dims <= 0) throw new Error(`dims must be a positive integer, got ${dims}`);
  if (matrix.length % dims !== 0) throw new Error(`matrix length ${matrix.length} is not a multiple of dims ${dims}`);
  return matrix.length / dims;
}

/**
 * Builds the gallery's search index over `matrix` (float32 [n, dims], row-major, unit rows). A query first
 * scans an int8 copy (per-row scale, WebAssembly SIMD kernel), then re-scores a shortlist: exactly in
 * float32 against `matrix` (kept by reference), or with `rescore: 'int8'` against the int8 copy itself, so
 * the float32 rows need not be kept. For rows stored as the celebrity pack stores them (int8, read back as
 * q / |q|) the int8 re-score is exact; for other rows it moves a cosine by at most ~0.005 (docs/pack.md).
 * Measured p50 on this 2-core box: see docs/gallery.md.
 */
export function createEmbeddingIndex(matrix: Float32Array, dims: number, options: { rescore?: 'float32' | 'int8' } = {}): EmbeddingIndex {
  const size = checkShape(matrix, dims);
  const padded = Math.ceil(dims / 16) * 16; // the kernel reads 16 int8 lanes at a time
  const kernel = createScanKernel();
  const queryPtr = size * padded;
  const scalePtr = queryPtr + padded; // padded is a multiple of 16, so float32 offsets stay aligned
  const outPtr = scalePtr + 4 * size;
  kernel.reserve(outPtr + 4 * Math.max(size, 1));
  const rowScale = new Float32Array(kernel.memory.buffer, scalePtr, size);
  for (let row = 0; row < size; row++) {
    const target = new Int8Array(kernel.memory.buffer, row * padded, dims);
    const scale = quantizeInto(matrix.subarray(row * dims, (row + 1) * dims), target);
    rowScale[row] = scale > 0 ? 1 / scale : 0;
  }
  // int8 re-score: dot of the int8 row with the float32 query, times the row's scale (maxAbs / 127).
  const int8Rows = new Int8Array(kernel.memory.buffer, 0, size * padded); // the kernel's memory never grows after reserve
  const int8Rescore = options.rescore === 'int8'
    ? (row: number, query: Float32Array) => {
        const offset = row * padded;
        let sum = 0;
        for (let j = 0; j < dims; j++) sum += int8Rows[offset + j]! * query[j]!;
        return sum * rowScale[row]!;
      }
    : null;
  if (int8Rescore) matrix = new Float32Array(0); // not kept: the int8 copy answers
  return {
    size,
    dims,
    row(row) {
      if (!Number.isInteger(row) || row < 0 || row >= size) throw new Error(`row ${row} outside 0..${size - 1}`);
      if (!int8Rescore) return matrix.slice(row * dims, (row + 1) * dims);
      const out = new Float32Array(dims);
      const scale = rowScale[row]!;
      for (let j = 0; j < dims; j++) out[j] = int8Rows[row * padded + j]! * scale;
      return out;
    },
    search(query, k) {
      if (query.length !== dims) throw new Error(`query has ${query.length} dims, index has ${dims}`);
      const count = Math.min(Math.max(0, Math.floor(k)), size);
      if (count === 0) return [];
      const buffer = kernel.memory.buffer;
      quantizeInto(query, new Int8Array(buffer, queryPtr, dims)); // a positive query scale keeps the order
      kernel.scan(0, queryPtr, size, padded, outPtr, scalePtr);
      const approx = new Float32Array(buffer, outPtr, size);
      const shortlist = topIndices(approx, shortlistSize(count, size));
      const rescore = int8Rescore ? (row: number) => int8Rescore(row, query) : (row: number) => dotRow(matrix, row, dims, query);
      const exact = shortlist.map((row) => ({ row, score: rescore(row) }));
      exact.sort((a, b) => b.score - a.score || a.row - b.row);
      return exact.slice(0, count);
    },
  };
}
