/** Seeded synthetic embeddings for the search benchmark: reproducible from the seed alone. */

/** mulberry32: tiny, fast 32-bit PRNG; quality is ample for benchmark data. Returns 0..1. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Marsaglia polar), so normalised rows are uniform on the unit sphere. */
function fillGaussian(out: Float32Array, rng: () => number): void {
  for (let i = 0; i < out.length; i += 2) {
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * rng() - 1;
      v = 2 * rng() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    out[i] = u * f;
    if (i + 1 < out.length) out[i + 1] = v * f;
  }
}

/** Scales each `dims`-long row of `m` to unit L2 length, in place. */
export function normalizeRows(m: Float32Array, dims: number): void {
  for (let row = 0; row < m.length; row += dims) {
    let sum = 0;
    for (let j = row; j < row + dims; j++) sum += m[j]! * m[j]!;
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let j = row; j < row + dims; j++) m[j]! *= inv;
  }
}

/** float32 row-major [count, dims] of random unit vectors, deterministic for a seed. */
export function randomUnitMatrix(count: number, dims: number, seed: number): Float32Array {
  const m = new Float32Array(count * dims);
  fillGaussian(m, createRng(seed));
  normalizeRows(m, dims);
  return m;
}

/**
 * A query near row `row` of `m`: the row plus Gaussian noise of L2 norm ~`noise`, renormalised. Real probes
 * sit near one gallery entry rather than uniformly at random, which matters for approximate indexes.
 */
export function queryNear(m: Float32Array, dims: number, row: number, noise: number, rng: () => number): Float32Array {
  const q = new Float32Array(dims);
  fillGaussian(q, rng);
  const scale = noise / Math.sqrt(dims);
  for (let j = 0; j < dims; j++) q[j] = (m[row * dims + j] ?? 0) + (q[j] ?? 0) * scale;
  normalizeRows(q, dims);
  return q;
}
