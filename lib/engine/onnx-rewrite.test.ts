/** The PRelu rewrite on the real embedding net: same outputs, fewer PRelu nodes, other fields intact. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { opTypeCounts, rewritePrelu } from './onnx-rewrite';
import { inProcessHost } from './runtime';

const FEATURE = resolve(import.meta.dirname, '../../models/fr_feature.onnx');

describe('rewritePrelu', () => {
  it('rewrites all 33 PRelu nodes of fr_feature and leaves its output unchanged', async () => {
    const original = new Uint8Array(await readFile(FEATURE));
    const { bytes, rewritten } = rewritePrelu(original);
    expect(rewritten).toBe(33);
    expect(opTypeCounts(original).PRelu).toBe(33);
    const ops = opTypeCounts(bytes);
    expect(ops.PRelu).toBeUndefined();
    expect(ops.Relu).toBe(33);
    expect(ops.Conv).toBe(opTypeCounts(original).Conv);
    const host = inProcessHost({ intraOpThreads: 1 });
    try {
      const before = await host.load(FEATURE);
      const after = await host.load(FEATURE, { bytes });
      expect(after.inputNames).toEqual(before.inputNames);
      expect(after.outputNames).toEqual(before.outputNames);
      // A smooth face-like pattern in the net's input range (−1..1).
      const input = Float32Array.from({ length: 3 * 112 * 112 }, (_, i) => Math.sin(i * 0.013) * 0.8);
      const feed = () => ({ input: { data: input.slice(), dims: [1, 3, 112, 112] } });
      const [a, b] = [(await before.run(feed(), ['output'])).output!, (await after.run(feed(), ['output'])).output!];
      expect(b).toHaveLength(512);
      let maxDiff = 0;
      for (let i = 0; i < 512; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
      expect(maxDiff).toBeLessThan(1e-5);
      expect(Math.max(...Array.from(a, Math.abs))).toBeGreaterThan(0.01); // a real output, not zeros
    } finally {
      await host.close();
    }
  });

  it('returns a model without PRelu unchanged', async () => {
    const landmark = new Uint8Array(await readFile(resolve(import.meta.dirname, '../../models/fr_landmark.onnx')));
    const { bytes, rewritten } = rewritePrelu(landmark);
    expect(rewritten).toBe(0);
    expect(Buffer.from(bytes).equals(Buffer.from(landmark))).toBe(true);
  });
});
