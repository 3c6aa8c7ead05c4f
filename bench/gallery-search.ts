/**
 * npm run gallery:bench-search -- [--sizes 10000,100000,1000000] [--queries 200]
 * p50/p95 of createEmbeddingIndex().search(q, 5) over seeded random 512-d unit vectors, queries made near a
 * random row (cosine ~0.78, like a same-person probe), with top-1 recall against that row.
 */
import { parseArgs } from 'node:util';
import { createEmbeddingIndex } from '../lib/gallery';
import { createRng } from './support/vectors';

const DIMS = 512;

function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return v;
}

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function main(): void {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000,1000000' }, queries: { type: 'string', default: '200' } } });
  const sizes = values.sizes.split(',').map(Number);
  const queries = Number(values.queries);
  const largest = Math.max(...sizes);
  const rng = createRng(42);
  const all = new Float32Array(largest * DIMS);
  for (let i = 0; i < all.length; i++) all[i] = gaussian(rng);
  for (let r = 0; r < largest; r++) normalize(all.subarray(r * DIMS, (r + 1) * DIMS));
  const results: Record<string, { buildMs: number; p50: number; p95: number; recall: number }> = {};
  for (const size of sizes) {
    const matrix = all.subarray(0, size * DIMS);
    const start = performance.now();
    const index = createEmbeddingIndex(matrix, DIMS);
    const buildMs = performance.now() - start;
    const times: number[] = [];
    let hits = 0;
    for (let q = -5; q < queries; q++) {
      const row = Math.floor(rng() * size);
      const probe = normalize(Float32Array.from(matrix.subarray(row * DIMS, (row + 1) * DIMS), (x) => x + (gaussian(rng) * 0.8) / Math.sqrt(DIMS)));
      const t = performance.now();
      const top = index.search(probe, 5);
      if (q < 0) continue; // warm-up
      times.push(performance.now() - t);
      if (top[0]?.row === row) hits++;
    }
    times.sort((a, b) => a - b);
    results[size] = { buildMs: Math.round(buildMs), p50: +percentile(times, 0.5).toFixed(2), p95: +percentile(times, 0.95).toFixed(2), recall: hits / queries };
    console.log(`${size} vectors: build ${Math.round(buildMs)} ms, search p50 ${results[size].p50} ms, p95 ${results[size].p95} ms, top-1 recall ${results[size].recall}`);
  }
  console.log(JSON.stringify(results));
}

main();
