import { describe, expect, it } from 'vitest';
import { createEmbeddingIndex, searchExact, topIndices } from './embedding-index';
import { decodePackRows, encodePackRows } from './pack';

function unit(values: number[]): number[] {
  const norm = Math.hypot(...values);
  return values.map((v) => v / norm);
}

/** Seeded so a failure reproduces. */
function randomUnitMatrix(rows: number, dims: number, seed: number): Float32Array {
  let state = seed;
  const next = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const out = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) out.set(unit(Array.from({ length: dims }, next)), r * dims);
  return out;
}

describe('createEmbeddingIndex', () => {
  const matrix = Float32Array.from([...unit([1, 0, 0]), ...unit([0, 1, 0]), ...unit([1, 1, 0]), ...unit([0, 0, 1])]);

  it('ranks tiny literal vectors by cosine with exact scores', () => {
    const index = createEmbeddingIndex(matrix, 3);
    const hits = index.search(Float32Array.from(unit([1, 0.2, 0])), 3);
    expect(hits.map((h) => h.row)).toEqual([0, 2, 1]);
    expect(hits[0]!.score).toBeCloseTo(1 / Math.hypot(1, 0.2), 6);
    expect(hits[1]!.score).toBeCloseTo(1.2 / Math.hypot(1, 0.2) / Math.SQRT2, 6);
  });

  it('answers at most the number of rows, and nothing for k = 0', () => {
    const index = createEmbeddingIndex(matrix, 3);
    expect(index.search(Float32Array.from([0, 0, 1]), 10)).toHaveLength(4);
    expect(index.search(Float32Array.from([0, 0, 1]), 0)).toEqual([]);
  });

  it('agrees with the exact float32 scan on 2,000 random 512-d vectors', () => {
    const dims = 512;
    const data = randomUnitMatrix(2000, dims, 7);
    const queries = randomUnitMatrix(20, dims, 99);
    const index = createEmbeddingIndex(data, dims);
    for (let q = 0; q < 20; q++) {
      const query = queries.subarray(q * dims, (q + 1) * dims);
      const exact = searchExact(data, dims, query, 5);
      const fast = index.search(query, 5);
      expect(fast.map((h) => h.row)).toEqual(exact.map((h) => h.row));
      expect(fast[0]!.score).toBeCloseTo(exact[0]!.score, 5);
    }
  });

  it('re-scores from its int8 rows without the float32 ones: exact for rows stored as the pack stores them', () => {
    const dims = 512;
    const packed = decodePackRows(encodePackRows(randomUnitMatrix(2000, dims, 11), dims), dims);
    const queries = randomUnitMatrix(20, dims, 5);
    const given = packed.slice();
    const index = createEmbeddingIndex(given, dims, { rescore: 'int8' });
    given.fill(0); // the index must not read the float32 rows it was built from
    for (let q = 0; q < 20; q++) {
      const query = queries.subarray(q * dims, (q + 1) * dims);
      const exact = searchExact(packed, dims, query, 5);
      const fast = index.search(query, 5);
      expect(fast.map((h) => h.row)).toEqual(exact.map((h) => h.row));
      fast.forEach((hit, i) => expect(hit.score).toBeCloseTo(exact[i]!.score, 5));
    }
  });

  it('rejects a query of the wrong width and a ragged matrix', () => {
    expect(() => createEmbeddingIndex(new Float32Array(7), 3)).toThrow(/multiple of dims/);
    expect(() => createEmbeddingIndex(matrix, 3).search(new Float32Array(4), 1)).toThrow(/dims/);
  });
});

describe('topIndices', () => {
  it('returns the largest values best first', () => {
    expect(topIndices(Float32Array.from([0.1, 0.9, -1, 0.5, 0.7]), 3)).toEqual([1, 4, 3]);
  });
});
