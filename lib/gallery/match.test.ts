import { describe, expect, it } from 'vitest';
import {
  CLEAR_NORM, CONFIDENCE_CENTER, DEFAULT_MATCH_THRESHOLD, FLIP_BAND, LOW_NORM, MAX_QUALITY_OFFSET, decideMatch, faceQuality, matchFace, needsFlipAveraged, qualityOffset,
  rankPeople, similarityToConfidence, type PersonScore,
} from './match';

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

describe('quality-aware operating point', () => {
  const quality = (embeddingNorm: number) => ({ embeddingNorm, eyeDistance: 40, detectorScore: 1, yaw: 0 });

  it('adds nothing for a clear face, the full offset for a poorly seen one, and ramps in between', () => {
    expect(qualityOffset(undefined)).toBe(0);
    expect(qualityOffset(quality(CLEAR_NORM))).toBe(0);
    expect(qualityOffset(quality(4.5))).toBe(0);
    expect(qualityOffset(quality(LOW_NORM))).toBeCloseTo(MAX_QUALITY_OFFSET, 12);
    expect(qualityOffset(quality(1.5))).toBeCloseTo(MAX_QUALITY_OFFSET, 12);
    expect(qualityOffset(quality((LOW_NORM + CLEAR_NORM) / 2))).toBeCloseTo(MAX_QUALITY_OFFSET / 2, 12);
    // Monotone: a lower norm never gets a smaller offset.
    const offsets = [4, 3.5, 3.3, 3.1, 2.9, 2.7].map((n) => qualityOffset(quality(n)));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    // Missing or broken signs give no offset rather than a large one.
    expect(qualityOffset(quality(0))).toBe(0);
    expect(qualityOffset(quality(Number.NaN))).toBe(0);
  });

  it('reads eye distance and yaw off the five points', () => {
    const q = faceQuality(3.2, 0.99, [{ x: 100, y: 100 }, { x: 140, y: 100 }, { x: 130, y: 120 }, { x: 105, y: 140 }, { x: 135, y: 140 }]);
    expect(q).toMatchObject({ embeddingNorm: 3.2, detectorScore: 0.99, eyeDistance: 40 });
    expect(q.yaw).toBeCloseTo(0.25, 12); // nose 10 px right of the eyes' midpoint, eyes 40 px apart
    expect(faceQuality(3, 1, []).eyeDistance).toBe(0);
  });

  it('names a poorly seen face on a score a clear face needs the whole threshold for', async () => {
    const T = DEFAULT_MATCH_THRESHOLD;
    const ranked = [{ person: 2, score: T - 0.03 }];
    expect(decideMatch(ranked, T)).toBeNull();
    const low = decideMatch(ranked, T, qualityOffset(quality(LOW_NORM)));
    expect(low?.person).toBe(2);
    expect(low!.score).toBeCloseTo(T - 0.03 + MAX_QUALITY_OFFSET, 12); // the confidence reads the shifted score
    expect(low!.confidence).toBeGreaterThanOrEqual(similarityToConfidence(T));
    const rank = () => ranked;
    expect(await matchFace({ embedding: Float32Array.of(0), quality: quality(4) }, rank, T)).toBeNull();
    expect((await matchFace({ embedding: Float32Array.of(0), quality: quality(2.5) }, rank, T))?.person).toBe(2);
    // The mirror band follows the shifted score: far above the threshold once shifted, no mirror run.
    expect(needsFlipAveraged([{ person: 0, score: T - 0.06 }], T)).toBe(false);
    expect(needsFlipAveraged([{ person: 0, score: T - 0.06 }], T, MAX_QUALITY_OFFSET)).toBe(true);
  });
});
