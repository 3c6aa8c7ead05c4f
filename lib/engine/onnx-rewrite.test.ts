/** The load-time graph rewrites on the real nets: the same outputs as the files as shipped. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode';
import { freeDetectorInputSize, opTypeCounts, rewritePrelu } from './onnx-rewrite';
import { anchorCount, decodeAnchorBox, detectorAnchors, detectorTensor } from './nets/detector';
import { inProcessHost } from './runtime';

const FEATURE = resolve(import.meta.dirname, '../../models/fr_feature.onnx');
const DETECT = resolve(import.meta.dirname, '../../models/fr_detect.onnx');
const datasets = process.env.DATASETS_DIR ?? resolve(import.meta.dirname, '../../../shared/datasets');
/** Exactly 320×240, the size the detector as shipped takes. */
const OBAMA_SMALL = resolve(datasets, 'raw/face_recognition_ageitgey/examples/obama_small.jpg');

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

describe('freeDetectorInputSize', () => {
  it('gives the shipped detector\'s scores and boxes at 320×240, and runs at other sizes', async () => {
    const original = new Uint8Array(await readFile(DETECT));
    const { bytes, locationsFrom } = freeDetectorInputSize(original);
    expect(locationsFrom).toBe('462');
    const img = await decodeImage(new Uint8Array(await readFile(OBAMA_SMALL)));
    expect([img.width, img.height]).toEqual([320, 240]);
    const host = inProcessHost({ intraOpThreads: 1 });
    try {
      const before = await host.load(DETECT);
      const after = await host.load(DETECT, { bytes });
      expect(after.outputNames).toEqual(['scores', 'locations']);
      const feed = (w: number, h: number) => ({ input: { data: detectorTensor(img, 0, 0, w, h), dims: [1, 3, h, w] } });
      const shipped = await before.run(feed(320, 240), ['scores', 'boxes']);
      const free = await after.run(feed(320, 240), ['scores', 'locations']);
      expect(free.scores).toHaveLength(2 * 4420);
      const anchors = detectorAnchors(320, 240);
      let maxDiff = 0;
      for (let i = 0; i < 4420; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(free.scores![2 * i + 1]! - shipped.scores![2 * i + 1]!));
        const box = decodeAnchorBox(free.locations!, anchors, i);
        for (let k = 0; k < 4; k++) maxDiff = Math.max(maxDiff, Math.abs(box[k]! - shipped.boxes![4 * i + k]!));
      }
      expect(maxDiff).toBeLessThan(1e-5);
      const best = (scores: Float32Array) => scores.reduce((top, _, i) => (i % 2 === 1 && scores[i]! > top ? scores[i]! : top), 0);
      expect(best(shipped.scores!)).toBeGreaterThan(0.99); // the photo's face, found
      // The left 200 px hold the face: at 200×240 the net still finds it, with outputs for that size's anchors.
      const narrow = await after.run(feed(200, 240), ['scores', 'locations']);
      expect(narrow.scores).toHaveLength(2 * anchorCount(200, 240));
      expect(best(narrow.scores!)).toBeGreaterThan(0.99);
    } finally {
      await host.close();
    }
  });
});
