/** detectFaces on a real portrait (two pyramid levels) with the real detector. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from './decode';
import type { ScaledImage } from './image';
import { loadDetector, type DetectorModel } from './nets/detector';
import { planPyramid } from './pyramid';
import { detectFaces } from './stages/detect';
import { inProcessHost, type ModelHost } from './runtime';

const repoRoot = resolve(import.meta.dirname, '../..');
const datasets = process.env.DATASETS_DIR ?? resolve(repoRoot, '../shared/datasets');
/** 800×1061: the coarse level (fit into 320×240) is too coarse for a 36 px face, so a finer level runs too. */
const PORTRAIT = resolve(datasets, 'raw/openface_cmu/images/examples/adams.jpg');

let host: ModelHost;
let detector: DetectorModel;
beforeAll(async () => {
  host = inProcessHost({ intraOpThreads: 1 });
  detector = await loadDetector(resolve(repoRoot, 'models'), host);
}, 60_000);
afterAll(async () => host?.close());

describe('detectFaces', () => {
  it('hands the early face work every level resized so far, the finer one included, for its crops', async () => {
    const img = await decodeImage(new Uint8Array(await readFile(PORTRAIT)));
    const planned = planPyramid(img.width, img.height);
    expect(planned).toHaveLength(2);
    let early: readonly ScaledImage[] = [];
    const found = await detectFaces(detector, img, 64, { onCoarseLevel: (_boxes, copies) => (early = copies) });
    const sizes = (copies: readonly ScaledImage[]) => copies.map((c) => `${c.image.width}x${c.image.height}@${c.scale.toFixed(3)}`).sort();
    const expected = planned.map((l) => `${l.width}x${l.height}@${l.scale.toFixed(3)}`).sort();
    expect(sizes(early)).toEqual(expected);
    expect(sizes(found.levels)).toEqual(expected);
    expect(found.faces).toHaveLength(1);
  });
});
