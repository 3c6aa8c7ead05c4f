import { describe, expect, it } from 'vitest';
import { CONFIDENCE_CENTER, FLIP_BAND, decideMatch, matchFace, needsFlipAveraged, rankPeople, similarityToConfidence, type PersonScore } from './match';

describe('matching policy', () => {
  it('scores each person by their best row and ranks people', () => {
    const owners = Int32Array.from([0, 0, 1, 2]);
    const hits = [{ row: 2, score: 0.6 }, { row: 0, score: 0.5 }, { row: 1, score: 0.7 }, { row: 3, score: 0.1 }];
    expect(rankPeople(hits, owners)).toEqual([{ person: 0, score: 0.7 }, { person: 1, score: 0.6 }, { person: 2, score: 0.1 }]);
  });

  it('names the top person only when similarity minus a quarter of the runner-up clears the threshold', () => {
    const ranked = [{ person: 3, score: 0.45 }, { person: 1, score: 0.2 }];
    expect(decideMatch(ranked, 0.41)).toBeNull();
    const match = decideMatch(ranked, 0.4);
    expect(match).toMatchObject({ person: 3, similarity: 0.45, runnerUp: 0.2 });
    expect(match!.score).toBeCloseTo(0.4, 9);
    // Equally close to two people: too ambiguous to name, though either alone would pass.
    expect(decideMatch([{ person: 0, score: 0.5 }, { person: 1, score: 0.49 }], 0.415)).toBeNull();
    expect(decideMatch([{ person: 0, score: 0.5 }, { person: 1, score: -0.1 }], 0.415)?.score).toBe(0.5);
    expect(decideMatch([], 0)).toBeNull();
  });

  it('maps similarity to a monotone 0..100 confidence, 50 at the fitted center', () => {
    expect(similarityToConfidence(CONFIDENCE_CENTER)).toBe(50);
    const values = [-1, 0, 0.2, 0.3, 0.4, 0.6, 1].map(similarityToConfidence);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values[0]).toBeGreaterThanOrEqual(0);
    expect(values.at(-1)).toBeLessThanOrEqual(100);
  });
});

describe('flip-averaged embedding on demand', () => {
  const T = 0.415;
  it('is needed only near the threshold, or for a match whose runner-up is close', () => {
    expect(needsFlipAveraged([{ person: 0, score: T - 0.01 }], T)).toBe(true);
    expect(needsFlipAveraged([{ person: 0, score: T + FLIP_BAND / 2 }], T)).toBe(true);
    expect(needsFlipAveraged([{ person: 0, score: 0.2 }, { person: 1, score: 0.19 }], T)).toBe(false); // unknown whoever is first
    expect(needsFlipAveraged([{ person: 0, score: 0.9 }, { person: 1, score: 0.1 }], T)).toBe(false);
    // Score 0.9 - 0.25 × 0.85 clears the threshold, but the two people are 0.05 apart: the mirror could swap them.
    expect(needsFlipAveraged([{ person: 0, score: 0.9 }, { person: 1, score: 0.85 }], T)).toBe(true);
    expect(needsFlipAveraged([], T)).toBe(false);
  });

  it('runs the mirror image only when needed and decides on what it gives', async () => {
    const ranks = new Map<number, PersonScore[]>([
      [1, [{ person: 4, score: 0.42 }]], // just over the threshold from the face alone
      [2, [{ person: 4, score: 0.39 }]], // just under once flip-averaged
      [3, [{ person: 5, score: 0.8 }]],
    ]);
    const rank = (e: Float32Array) => ranks.get(e[0]!)!;
    let runs = 0;
    const face = (own: number, averaged: number) => ({ embedding: Float32Array.of(own), flipAveraged: async () => (runs++, Float32Array.of(averaged)) });
    expect(await matchFace(face(1, 2), rank, T)).toBeNull();
    expect(runs).toBe(1);
    expect((await matchFace(face(3, 2), rank, T))?.person).toBe(5);
    expect(runs).toBe(1);
    expect((await matchFace({ embedding: Float32Array.of(1) }, rank, T))?.person).toBe(4); // already flip-averaged
  });
});
