import { describe, expect, it } from 'vitest';
import type { PeerResult } from './child';
import type { OursResult } from './ours';
import type { BenchPhoto } from './photos';
import { buildLatencySvg } from './plot';
import { speedup } from './report';
import { percentileSorted, summarize } from './stats';
import { verdict } from './targets';
import { createRng, queryNear, randomUnitMatrix } from './vectors';

describe('percentiles', () => {
  it('uses nearest rank, so p95 is a sample that happened', () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1); // 1..20
    expect(percentileSorted(sorted, 50)).toBe(10);
    expect(percentileSorted(sorted, 95)).toBe(19);
    expect(percentileSorted(sorted, 100)).toBe(20);
  });

  it('summarises unsorted samples and reports NaN for none', () => {
    const s = summarize([30, 10, 20]);
    expect([s.p50, s.min, s.max, s.mean]).toEqual([20, 10, 30, 20]);
    expect(summarize([]).p50).toBeNaN();
  });
});

describe('synthetic vectors', () => {
  it('are unit length and the same for the same seed', () => {
    const a = randomUnitMatrix(3, 512, 42);
    const b = randomUnitMatrix(3, 512, 42);
    const c = randomUnitMatrix(3, 512, 43);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (let row = 0; row < 3; row++) {
      const norm = Math.hypot(...a.subarray(row * 512, (row + 1) * 512));
      expect(norm).toBeCloseTo(1, 5);
    }
  });

  it('makes probes close to their source row and far from the others', () => {
    const m = randomUnitMatrix(2, 512, 1);
    const q = queryNear(m, 512, 0, 0.8, createRng(2));
    const dot = (row: number) => q.reduce((acc, v, j) => acc + v * m[row * 512 + j]!, 0);
    expect(dot(0)).toBeGreaterThan(0.7);
    expect(Math.abs(dot(1))).toBeLessThan(0.2);
  });
});

describe('speed-up', () => {
  const photo = (name: string): BenchPhoto => ({ name, source: name, kind: 'single', bytes: new Uint8Array(), width: 1, height: 1 });
  const photos = [photo('a'), photo('b')];
  const ours = { perPhoto: { a: [10, 10, 10], b: [100, 100, 100] } } as unknown as OursResult;

  it('is the geometric mean of per-photo p50 ratios', () => {
    const peer = { perPhoto: { a: [40, 40, 40], b: [100, 100, 100] } } as unknown as PeerResult;
    expect(speedup(ours, peer, photos)).toBeCloseTo(2, 10); // sqrt(4 × 1)
  });

  it('is null without a peer', () => {
    expect(speedup(ours, undefined, photos)).toBeNull();
  });
});

describe('targets and plot', () => {
  it('judges upper and lower bounds', () => {
    expect([verdict(25, 25, 'max'), verdict(26, 25, 'max'), verdict(1.9, 2, 'min'), verdict(null, 2, 'min')]).toEqual(['ok', 'MISS', 'MISS', 'n/a']);
  });

  it('draws one bar per runtime and photo, longer for slower', () => {
    const svg = buildLatencySvg({
      title: 't',
      subtitle: 's',
      photos: ['p1'],
      series: [
        { runtime: 'fast', colour: '#000001', p50: { p1: 10 } },
        { runtime: 'slow', colour: '#000002', p50: { p1: 1000 } },
      ],
    });
    // Bars are 9 px tall; the 14 px legend swatches share the colours.
    const width = (colour: string) => Number(new RegExp(`width="([\\d.]+)" height="9" fill="${colour}"`).exec(svg)?.[1]);
    expect(width('#000002')).toBeGreaterThan(width('#000001'));
  });
});
