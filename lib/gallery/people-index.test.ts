/**
 * The layered index the server searches (the pack indexed once, the operator's rows on top), the opt-out
 * exclusion, and negative samples ("this is not X") in the threshold logic.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MATCH_THRESHOLD, decideMatch, searchPeople } from './match';
import { createPeopleBase, createPeopleIndex, extendPeopleIndex } from './people-index';

const DIMS = 256;

/** Deterministic pseudo-random unit vectors (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const next = random(7);
const randomUnit = () => unit(Float32Array.from({ length: DIMS }, next));
/** A unit vector at cosine ≈ `cos` to `v` (v mixed with a random direction). */
function near(v: Float32Array, cos: number): Float32Array {
  const noise = randomUnit();
  const dot = noise.reduce((s, x, j) => s + x * v[j]!, 0);
  const orth = unit(noise.map((x, j) => x - dot * v[j]!));
  return unit(v.map((x, j) => cos * x + Math.sqrt(1 - cos * cos) * orth[j]!));
}

function matrixOf(rows: Float32Array[]): Float32Array {
  const m = new Float32Array(rows.length * DIMS);
  rows.forEach((r, i) => m.set(r, i * DIMS));
  return m;
}

describe('layered index (pack once, operator rows on top)', () => {
  // 40 base people with 1-3 rows each; the operator adds rows to two of them and two new people.
  const centers = Array.from({ length: 44 }, randomUnit);
  const baseRows: Float32Array[] = [];
  const baseOwners: number[] = [];
  for (let p = 0; p < 40; p++) {
    for (let r = 0; r <= p % 3; r++) {
      baseRows.push(near(centers[p]!, 0.8));
      baseOwners.push(p);
    }
  }
  const extraRows = [near(centers[3]!, 0.8), near(centers[7]!, 0.8), near(centers[7]!, 0.8), near(centers[40]!, 0.8), near(centers[41]!, 0.8), near(centers[41]!, 0.8)];
  const extraOwners = [3, 7, 7, 40, 41, 41];
  const base = createPeopleBase(matrixOf(baseRows), Int32Array.from(baseOwners), 40, DIMS);
  const layered = extendPeopleIndex(base, { matrix: matrixOf(extraRows), owners: Int32Array.from(extraOwners), people: 42, dims: DIMS });
  const whole = createPeopleIndex(matrixOf([...baseRows, ...extraRows]), Int32Array.from([...baseOwners, ...extraOwners]), DIMS, { rescore: 'int8' });

  /** The first five people and their scores: below them, near-equal scores may swap places. */
  const top = (ranked: ReturnType<typeof searchPeople>) => ranked.slice(0, 5);

  it('ranks people as one index over all rows would', () => {
    for (let q = 0; q < 60; q++) {
      const probe = near(centers[q % 42]!, 0.7);
      const a = top(searchPeople(layered, probe));
      const b = top(searchPeople(whole, probe));
      expect(a[0]!.person).toBe(q % 42);
      expect(a.map((p) => p.person)).toEqual(b.map((p) => p.person));
      a.forEach((p, i) => expect(p.score).toBeCloseTo(b[i]!.score, 2));
    }
  });

  it('never ranks an excluded (opted-out) person; the others rank as in an index without their rows', () => {
    const excluded = new Uint8Array(42);
    excluded[7] = 1;
    const optedOut = extendPeopleIndex(base, { matrix: matrixOf(extraRows), owners: Int32Array.from(extraOwners), people: 42, dims: DIMS }, { excluded });
    const keep = (owners: number[]) => owners.map((o, i) => (o === 7 ? -1 : i)).filter((i) => i >= 0);
    const baseKept = keep(baseOwners);
    const extraKept = keep(extraOwners);
    const withoutRows = createPeopleIndex(
      matrixOf([...baseKept.map((i) => baseRows[i]!), ...extraKept.map((i) => extraRows[i]!)]),
      Int32Array.from([...baseKept.map((i) => baseOwners[i]!), ...extraKept.map((i) => extraOwners[i]!)]),
      DIMS, { rescore: 'int8' },
    );
    const probe = near(centers[7]!, 0.9);
    expect(searchPeople(layered, probe)[0]!.person).toBe(7);
    const ranked = searchPeople(optedOut, probe);
    expect(ranked.map((p) => p.person)).not.toContain(7);
    expect(top(ranked).map((p) => p.person)).toEqual(top(searchPeople(withoutRows, probe)).map((p) => p.person));
  });
});

describe('negative samples in the threshold logic', () => {
  const x = randomUnit(); // the person X
  const xRows = [near(x, 0.85), near(x, 0.85), near(x, 0.85)];
  const others = Array.from({ length: 20 }, randomUnit);
  const stranger = near(x, 0.65); // looks like X, and like nobody else
  const rows = [...xRows, ...others];
  const owners = Int32Array.from([0, 0, 0, ...others.map((_, i) => i + 1)]);
  const plain = createPeopleIndex(matrixOf(rows), owners, DIMS);
  const withNegative = createPeopleIndex(matrixOf(rows), owners, DIMS, { negatives: new Map([[0, stranger]]) });

  it('names the stranger X before, and not after, the face is kept as a negative sample of X', () => {
    expect(decideMatch(searchPeople(plain, stranger), DEFAULT_MATCH_THRESHOLD)?.person).toBe(0);
    expect(decideMatch(searchPeople(withNegative, stranger), DEFAULT_MATCH_THRESHOLD)).toBeNull();
  });

  it('also turns down another photo of the same stranger, but still names X in a photo of X', () => {
    const strangerAgain = near(stranger, 0.9);
    expect(decideMatch(searchPeople(plain, strangerAgain), DEFAULT_MATCH_THRESHOLD)?.person).toBe(0);
    expect(decideMatch(searchPeople(withNegative, strangerAgain), DEFAULT_MATCH_THRESHOLD)?.person).not.toBe(0);
    const xPhoto = near(x, 0.8);
    expect(decideMatch(searchPeople(withNegative, xPhoto), DEFAULT_MATCH_THRESHOLD)?.person).toBe(0);
  });

  it('keeps X right behind the new first person, so the margin still counts how close the face was to X', () => {
    const ranked = searchPeople(withNegative, stranger);
    expect(ranked[0]!.person).not.toBe(0);
    expect(ranked[1]!.person).toBe(0);
    expect(ranked[1]!.score).toBeGreaterThan(ranked[0]!.score);
  });
});
