import { describe, expect, it } from 'vitest';
import { bestThreshold, kFoldAccuracy, parsePairs, tarAtFar } from './lfw';

describe('LFW protocol', () => {
  it('parses pairs.txt', () => {
    const pairs = parsePairs('1\t1\nA\t1\t2\nB\t3\tC\t14\n');
    expect(pairs).toEqual([
      { fold: 0, same: true, a: 'A/A_0001.jpg', b: 'A/A_0002.jpg' },
      { fold: 0, same: false, a: 'B/B_0003.jpg', b: 'C/C_0014.jpg' },
    ]);
  });
  it('chooses thresholds on the other folds', () => {
    const p = (fold: number, same: boolean, score: number) => ({ fold, same, score });
    const pairs = [p(0, true, 0.9), p(0, false, 0.1), p(1, true, 0.8), p(1, false, 0.5), p(1, true, 0.7)];
    expect(bestThreshold(pairs.filter((x) => x.fold === 1))).toBeCloseTo(0.6);
    const r = kFoldAccuracy(pairs);
    expect(r.accuracy).toBeCloseTo((1 + 2 / 3) / 2);
    expect(tarAtFar(pairs, 0)).toBe(1);
    expect(tarAtFar([...pairs, p(1, true, 0.45)], 0)).toBe(0.75);
  });
});
