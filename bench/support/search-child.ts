/**
 * Gallery search at 10k, 100k and 1M synthetic 512-d unit vectors through the gallery's own index.
 * A child process of bench/engine.ts: a 1M × 512 float32 matrix alone is 2 GB, which would make
 * the engine's RSS figure meaningless if it lived in the same process.
 */
import { peakRssMb, reportProgress, runChildMain } from './child';
import { buildGalleryIndex, galleryIndexName } from './gallery-index';
import { summarize, type Summary } from './stats';
import { createRng, queryNear, randomUnitMatrix } from './vectors';

const DIMS = 512;
const SEED = 20240601;
export const SEARCH_SIZES = { '10k': 10_000, '100k': 100_000, '1M': 1_000_000 } as const;
export type SearchSize = keyof typeof SEARCH_SIZES;

export interface SearchSizeResult {
  size: SearchSize;
  count: number;
  buildMs: number;
  search: Summary;
  /** Share of queries whose top-1 is the row they were made from (an approximate index may miss some). */
  top1Recall: number;
}

export interface SearchResult {
  index: string;
  sizes: SearchSizeResult[];
  generateMs: number;
  peakRssMb: number;
}

function measureSize(all: Float32Array, size: SearchSize, queries: number, onQuery: () => void): SearchSizeResult {
  const count = SEARCH_SIZES[size];
  const matrix = all.subarray(0, count * DIMS);
  const buildStart = performance.now();
  const index = buildGalleryIndex(matrix, DIMS);
  const buildMs = performance.now() - buildStart;
  const rng = createRng(SEED + count);
  const rows = Array.from({ length: queries + 5 }, () => Math.floor(rng() * count));
  // Noise 0.8 puts the probe at cosine ~0.78 to its source: a same-person match, well above chance.
  const probes = rows.map((row) => queryNear(matrix, DIMS, row, 0.8, rng));
  for (const q of probes.slice(0, 5)) index.search(q, 5); // warm-up, excluded
  const samples: number[] = [];
  let hits = 0;
  for (let i = 5; i < probes.length; i++) {
    const start = performance.now();
    const top = index.search(probes[i]!, 5);
    samples.push(performance.now() - start);
    if (top[0] === rows[i]) hits++;
    onQuery();
  }
  return { size, count, buildMs, search: summarize(samples), top1Recall: hits / queries };
}

async function run(queries: number): Promise<SearchResult> {
  const sizes = Object.keys(SEARCH_SIZES) as SearchSize[];
  const total = sizes.length * queries;
  let done = 0;
  reportProgress(done, total, 'search: generating 1M vectors');
  const genStart = performance.now();
  const all = randomUnitMatrix(SEARCH_SIZES['1M'], DIMS, SEED);
  const generateMs = performance.now() - genStart;
  const results: SearchSizeResult[] = [];
  for (const size of sizes) {
    reportProgress(done, total, `search: building ${size} index`);
    results.push(measureSize(all, size, queries, () => reportProgress(++done, total, `search ${size}`)));
  }
  return { index: galleryIndexName, sizes: results, generateMs, peakRssMb: peakRssMb() };
}

await runChildMain(run);
