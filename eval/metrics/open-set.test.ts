import { describe, expect, it } from 'vitest';
import { fitLogistic, openSetPoint, rank1, thresholdAtFpir } from './open-set';

describe('open-set metrics', () => {
  const impostors = [0.1, 0.2, 0.3, 0.35, 0.5].map((score) => ({ score, correct: false }));
  const known = [{ score: 0.9, correct: true }, { score: 0.4, correct: true }, { score: 0.6, correct: false }, { score: 0.3, correct: true }];

  it('finds the threshold for an FPIR and reads DIR there', () => {
    const t = thresholdAtFpir(impostors.map((p) => p.score), 0.2); // one of five impostors may pass
    expect(t).toBeCloseTo(0.35, 4);
    expect(openSetPoint(known, impostors, t)).toMatchObject({ fpir: 0.2, dir: 0.5 });
    expect(rank1(known)).toBe(0.75);
  });

  it('fits a logistic whose center separates the classes', () => {
    const samples = [0.1, 0.2, 0.25, 0.3, 0.35, 0.45].map((score) => ({ score, correct: false }))
      .concat([0.35, 0.5, 0.55, 0.6, 0.7, 0.8].map((score) => ({ score, correct: true })));
    const { center, scale } = fitLogistic(samples);
    expect(center).toBeGreaterThan(0.3);
    expect(center).toBeLessThan(0.5);
    expect(scale).toBeGreaterThan(0);
  });
});
