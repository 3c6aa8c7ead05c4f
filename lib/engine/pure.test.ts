import { describe, expect, it } from 'vitest';
import { FACE_SPACE_BAND, FACE_SPACE_SURE, faceSpaceScore, looksLikeFace, needsAveragedFaceSpace, notFaceSigns, surelyOutsideFaceSpace } from './faceness';
import type { Detection } from './image';
import { anchorCount, decodeAnchorBox, decodeDetections, detectorAnchors, detectorTensor } from './nets/detector';
import { ARCFACE_TEMPLATE } from './nets/embedder';
import { toEmotions } from './nets/expression';
import { averageMirrored, fivePointsFrom68, mirrorDisagreement } from './nets/landmarks';
import { binsToDegrees } from './nets/pose';
import { mergeSsr } from './nets/ssrnet';
import { jsKernels } from './pixel-kernels';
import { planPyramid } from './pyramid';
import { imageQuality } from './quality';
import { rectMap, samplingSource, warpAffine } from './resample';
import { applySimilarity, estimateSimilarity, inverseMap } from './similarity';
import { iou, mergeTileDetections, nms } from './stages/detect';
import { softmax, toPlanar } from './tensor';

const det = (x1: number, y1: number, x2: number, y2: number, score = 0.9, cut = false, scale = 1): Detection => ({ x1, y1, x2, y2, score, cut, scale });

describe('detector anchors', () => {
  it('has 4,420 anchors for 320×240 and counts them for any size', () => {
    expect(anchorCount(320, 240)).toBe(4420);
    expect(detectorAnchors(320, 240)).toHaveLength(4420 * 4);
    // 162×240: 21×30 cells ×3, 11×15 ×2, 6×8 ×2, 3×4 ×3.
    expect(anchorCount(162, 240)).toBe(21 * 30 * 3 + 11 * 15 * 2 + 6 * 8 * 2 + 3 * 4 * 3);
    expect(detectorAnchors(162, 240)).toHaveLength(4 * anchorCount(162, 240));
  });
  it('places centres a spacing apart in input pixels, whatever the size', () => {
    const a = detectorAnchors(160, 240);
    // First head, row 0: cells at 4, 12, … px across, three sizes (10, 16, 24 px) per cell.
    expect([a[0]! * 160, a[1]! * 240, a[2]! * 160, a[3]! * 240]).toEqual([4, 4, 10, 10].map((v) => expect.closeTo(v, 4)));
    expect(a[12]! * 160).toBeCloseTo(12);
    // 20 cells of 3 anchors to a row: anchor 60 starts row 1, at x 4 and y 12.
    expect(a[4 * 60]! * 160).toBeCloseTo(4);
    expect(a[4 * 60 + 1]! * 240).toBeCloseTo(12);
  });
  it('decodes a zero offset to the anchor box itself and scales sizes by exp(0.2·v)', () => {
    const anchors = new Float32Array([0.5, 0.5, 0.2, 0.4]);
    expect(decodeAnchorBox(new Float32Array([0, 0, 0, 0]), anchors, 0).map((v) => +v.toFixed(6))).toEqual([0.4, 0.3, 0.6, 0.7]);
    const [x1, , x2] = decodeAnchorBox(new Float32Array([1, 0, 5, 0]), anchors, 0);
    expect((x1 + x2) / 2).toBeCloseTo(0.5 + 0.1 * 0.2); // centre moves 0.1 × offset × anchor width
    expect(x2 - x1).toBeCloseTo(0.2 * Math.E); // width × exp(0.2 × 5)
  });
});

describe('box decoding', () => {
  // One anchor per box; a zero offset decodes to the anchor itself.
  const anchorBoxes = (boxes: number[][]) => new Float32Array(boxes.flatMap(([x1, y1, x2, y2]) => [(x1! + x2!) / 2, (y1! + y2!) / 2, x2! - x1!, y2! - y1!]));
  it('maps window ratios to image pixels and drops low scores', () => {
    const scores = new Float32Array([0.1, 0.9, 0.8, 0.2]);
    const anchors = anchorBoxes([[0.25, 0.5, 0.5, 1.0], [0, 0, 0.1, 0.1]]);
    const win = { x0: 80, y0: 0, scale: 0.5, width: 320, height: 240, levelWidth: 640, levelHeight: 240 };
    const out = decodeDetections(scores, new Float32Array(8), anchors, win, 0.5);
    expect(out).toHaveLength(1);
    expect(out[0]!.x1).toBeCloseTo((80 + 80) / 0.5);
    expect(out[0]!.y1).toBeCloseTo(240);
    expect(out[0]!.x2).toBeCloseTo((160 + 80) / 0.5);
    expect(out[0]!.y2).toBeCloseTo(480);
    expect(out[0]).toMatchObject({ cut: false, scale: 0.5 });
    expect(out[0]!.score).toBeCloseTo(0.9);
  });
  it('flags boxes touching an inner tile edge as cut, not those at the image edge', () => {
    const scores = new Float32Array([0, 1, 0, 1]);
    const anchors = anchorBoxes([[0.9, 0.1, 1.0, 0.3], [0.0, 0.1, 0.1, 0.3]]);
    const win = { x0: 0, y0: 0, scale: 1, width: 320, height: 240, levelWidth: 600, levelHeight: 240 };
    const [right, left] = decodeDetections(scores, new Float32Array(8), anchors, win, 0.5);
    expect(right!.cut).toBe(true);
    expect(left!.cut).toBe(false);
  });
});

describe('NMS and tile merging', () => {
  it('computes IoU', () => {
    expect(iou(det(0, 0, 10, 10), det(5, 0, 15, 10))).toBeCloseTo(50 / 150);
    expect(iou(det(0, 0, 1, 1), det(2, 2, 3, 3))).toBe(0);
  });
  it('keeps the best of overlapping boxes and separate faces', () => {
    const kept = nms([det(0, 0, 10, 10, 0.8), det(1, 0, 11, 10, 0.95), det(50, 50, 60, 60, 0.7)], 0.4);
    expect(kept.map((d) => d.score)).toEqual([0.95, 0.7]);
  });
  it('drops a cut box covered by a whole one and sorts largest first', () => {
    const merged = mergeTileDetections([det(100, 100, 110, 120, 0.99, true), det(90, 100, 130, 140, 0.9), det(0, 0, 10, 10, 0.8)], 0.4, 64);
    expect(merged.map((d) => d.x1)).toEqual([90, 0]);
  });
  it('keeps the coarser level\'s box when two boxes of a face score within 1/100, else the better one', () => {
    const coarse = det(0, 0, 100, 100, 0.9991, false, 0.25);
    const fine = det(2, 0, 102, 100, 0.9999, false, 0.5);
    expect(nms([fine, coarse], 0.4)).toEqual([coarse]);
    const surer = det(2, 0, 102, 100, 0.95, false, 0.5);
    const doubtful = det(0, 0, 100, 100, 0.9, false, 0.25);
    expect(nms([doubtful, surer], 0.4)).toEqual([surer]);
  });
  it('caps the number of faces', () => {
    const many = Array.from({ length: 5 }, (_, i) => det(i * 20, 0, i * 20 + 10 + i, 10));
    expect(mergeTileDetections(many, 0.4, 3).map((d) => d.x1)).toEqual([80, 60, 40]);
  });
});

describe('pyramid', () => {
  it('runs a small image whole and tiles a large one down to small faces', () => {
    const small = planPyramid(250, 250);
    expect(small).toHaveLength(1);
    // Level 0 runs at its own size (the detector takes any): 240×240, not padded to 320×240.
    expect(small[0]).toMatchObject({ width: 240, height: 240, windowWidth: 240, windowHeight: 240, tiles: [{ x0: 0, y0: 0 }] });
    expect(planPyramid(640, 800)).toHaveLength(1);
    const portrait = planPyramid(910, 1137);
    expect(portrait).toHaveLength(2);
    // 303×379 fits in one 480×360 window across, needs two down.
    expect(portrait[1]).toMatchObject({ windowWidth: 303, tiles: [{ x0: 0 }, { x0: 0 }] });
    const levels = planPyramid(1920, 1080);
    expect(levels[0]).toMatchObject({ width: 320, height: 180, tiles: [{ x0: 0, y0: 0 }] });
    const finest = levels.at(-1)!;
    expect(finest.scale * 36).toBeGreaterThanOrEqual(12);
    expect(finest.windowWidth).toBeLessThanOrEqual(480);
    expect(finest.windowHeight).toBeLessThanOrEqual(360);
    const lastTile = finest.tiles.at(-1)!;
    expect(lastTile.x0 + finest.windowWidth).toBe(finest.width);
    expect(lastTile.y0 + finest.windowHeight).toBe(finest.height);
  });
  it('overlaps neighbouring windows by at least 96 px, so a face that size lies whole in one', () => {
    for (const [w, h] of [[1920, 1080], [4000, 3000], [1080, 1920]] as const) {
      for (const level of planPyramid(w, h).slice(1)) {
        const xs = [...new Set(level.tiles.map((t) => t.x0))];
        for (let i = 1; i < xs.length; i++) expect(xs[i - 1]! + level.windowWidth - xs[i]!).toBeGreaterThanOrEqual(96);
        const ys = [...new Set(level.tiles.map((t) => t.y0))];
        for (let i = 1; i < ys.length; i++) expect(ys[i - 1]! + level.windowHeight - ys[i]!).toBeGreaterThanOrEqual(96);
      }
    }
  });
});

describe('similarity transform', () => {
  it('recovers a known rotation, scale and translation exactly', () => {
    const t = { a: 0.8, b: 0.6, tx: 5, ty: -3 };
    const src = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 0, y: 10 }, { x: 7, y: 3 }];
    const est = estimateSimilarity(src, src.map((p) => applySimilarity(t, p)));
    expect(est.a).toBeCloseTo(0.8);
    expect(est.b).toBeCloseTo(0.6);
    expect(est.tx).toBeCloseTo(5);
    expect(est.ty).toBeCloseTo(-3);
  });
  it('inverse map sends template points back to the face points', () => {
    const face = ARCFACE_TEMPLATE.map((p) => ({ x: p.x * 2 + 100, y: p.y * 2 + 40 }));
    const [a, b, c, d, e, f] = inverseMap(estimateSimilarity(face, ARCFACE_TEMPLATE));
    const q = ARCFACE_TEMPLATE[2]!;
    expect(a * q.x + b * q.y + c).toBeCloseTo(face[2]!.x);
    expect(d * q.x + e * q.y + f).toBeCloseTo(face[2]!.y);
  });
  it('averages with mirrored points after swapping left and right', () => {
    const five = [{ x: 10, y: 0 }, { x: 30, y: 0 }, { x: 20, y: 10 }, { x: 12, y: 20 }, { x: 28, y: 20 }];
    const mirrored = [{ x: 32, y: 2 }, { x: 12, y: 2 }, { x: 20, y: 12 }, { x: 30, y: 22 }, { x: 14, y: 22 }];
    expect(averageMirrored(five, mirrored)).toEqual([{ x: 11, y: 1 }, { x: 31, y: 1 }, { x: 20, y: 11 }, { x: 13, y: 21 }, { x: 29, y: 21 }]);
  });
  it('takes eye centres, nose tip and mouth corners from the 68 points', () => {
    const pts = Array.from({ length: 68 }, (_, i) => ({ x: i, y: 2 * i }));
    expect(fivePointsFrom68(pts)).toEqual([{ x: 39, y: 78 }, { x: 45, y: 90 }, { x: 30, y: 60 }, { x: 54, y: 108 }, { x: 59, y: 118 }]);
  });
});

describe('preprocessing', () => {
  const img = { width: 2, height: 2, data: new Uint8Array([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]) };
  it('copies a window into NCHW with (v − 127) / 128 and neutral padding', () => {
    const t = detectorTensor(img, 1, 0, 2, 1);
    expect(Array.from(t)).toEqual([1, 0, -127 / 128, 0, -127 / 128, 0]);
  });
  it('samples pixel centres exactly and reorders channels', () => {
    const hwc = warpAffine(img, rectMap(0, 0, 2, 2, 2, 2), 2, 2);
    expect(Array.from(hwc.slice(3, 6))).toEqual([255, 0, 0]);
    const bgr = toPlanar(hwc, 2, 2, { order: 'bgr', mean: [0, 0, 0], std: [255, 255, 255], flip: true });
    expect(Array.from(bgr.slice(0, 4))).toEqual([0, 0, 1, 0]);
    expect(Array.from(bgr.slice(8, 12))).toEqual([1, 0, 0, 0]);
  });
  it('area-resizes by exact block means, and weights a pixel that straddles two outputs by its coverage', async () => {
    // 4×2 grey ramp → 2×1: the two 2×2 block means.
    const ramp = new Uint8Array([10, 20, 30, 40, 50, 60, 70, 80].flatMap((v) => [v, v, v]));
    expect(Array.from(await jsKernels.resizeArea(ramp, 4, 2, 2, 1))).toEqual([35, 35, 35, 55, 55, 55]);
    // 3×1 → 2×1: each output covers 1.5 pixels, the middle one half each: (0 + 0.5·90) / 1.5 = 30, (0.5·90 + 255) / 1.5 = 200.
    const row = new Uint8Array([0, 0, 0, 90, 90, 90, 255, 255, 255]);
    expect(Array.from(await jsKernels.resizeArea(row, 3, 1, 2, 1))).toEqual([30, 30, 30, 200, 200, 200]);
  });
});

describe('attributes', () => {
  it('softmax sums to one', () => expect(softmax([1, 2, 3]).reduce((s, v) => s + v, 0)).toBeCloseTo(1));
  it('decodes a peaked bin to its angle', () => {
    const logits = new Float32Array(66).fill(-50);
    logits[40] = 50;
    expect(binsToDegrees(logits)).toBeCloseTo(21);
  });
  it('merges SSR-Net stages', () => {
    const x = new Float32Array(21);
    x[2] = 1; // stage 1: all mass on bin 2
    expect(mergeSsr(x, 101)).toBeCloseTo((2 / 3) * 101);
  });
  it('maps the happy class to HAPPY and a smile', () => {
    const { emotions, smile } = toEmotions([0, 0, 0, 5, 0, 0, 0]);
    expect(emotions[0]!.Type).toBe('HAPPY');
    expect(smile.Value).toBe(true);
  });
  it('rates a flat crop dark-or-bright and unsharp, a checkerboard sharp', () => {
    const flat = new Float32Array(8 * 8 * 3).fill(255);
    expect(imageQuality(flat, 8, 8)).toEqual({ Brightness: 100, Sharpness: 0 });
    const checker = new Float32Array(8 * 8 * 3).map((_, i) => (((Math.floor(i / 3) % 8) + Math.floor(i / 24)) % 2) * 255);
    expect(imageQuality(checker, 8, 8).Sharpness).toBeGreaterThan(99);
  });
});

describe('faceness', () => {
  // faceSpace 5: the probe's typical log-odds for a clear face, so these cases test the four older signs.
  const face = { detectorScore: 1, embeddingNorm: 3.8, flipCosine: 0.98, mirrorDisagreement: 0.02, faceSpace: 5 };
  it('counts the signs against a face', () => {
    expect(notFaceSigns(face)).toBe(0);
    expect(notFaceSigns({ detectorScore: 0.72, embeddingNorm: 1.9, flipCosine: 0.93, mirrorDisagreement: 0.13, faceSpace: 5 })).toBe(3);
  });
  it('drops a doubtful detection with two more signs, an unsure one with all three, never a sure one', () => {
    expect(looksLikeFace(face)).toBe(true);
    expect(looksLikeFace({ detectorScore: 0.72, embeddingNorm: 1.94, flipCosine: 0.931, mirrorDisagreement: 0.13, faceSpace: 5 })).toBe(false); // lettering
    expect(looksLikeFace({ detectorScore: 0.76, embeddingNorm: 2.8, flipCosine: 0.96, mirrorDisagreement: 0.3, faceSpace: 5 })).toBe(true); // one more sign only
    expect(looksLikeFace({ detectorScore: 0.87, embeddingNorm: 1.97, flipCosine: 0.927, mirrorDisagreement: 0.17, faceSpace: 5 })).toBe(false); // a dog
    expect(looksLikeFace({ detectorScore: 0.904, embeddingNorm: 2.0, flipCosine: 0.933, mirrorDisagreement: 0.106, faceSpace: 5 })).toBe(true); // LFW 3/4 profile
    expect(looksLikeFace({ detectorScore: 1, embeddingNorm: 2.2, flipCosine: 0.94, mirrorDisagreement: 0.3, faceSpace: 5 })).toBe(true); // sunglasses, sure detector
  });
  it('measures how far the mirror image\'s alignment points disagree, over the eye distance', () => {
    const five = [{ x: 40, y: 50 }, { x: 60, y: 50 }, { x: 50, y: 60 }, { x: 42, y: 70 }, { x: 58, y: 70 }];
    // The mirror's points come back with left/right swapped: the same face gives no disagreement.
    const swapped = [five[1]!, five[0]!, five[2]!, five[4]!, five[3]!];
    expect(mirrorDisagreement(five, swapped)).toBeCloseTo(0);
    const shifted = swapped.map((p) => ({ x: p.x + 2, y: p.y }));
    expect(mirrorDisagreement(five, shifted)).toBeCloseTo(2 / 20);
  });
});

describe('face-space probe', () => {
  const probe = { weights: new Float32Array([1, -2]), bias: 0.5, limit: -1 };
  const signs = { detectorScore: 0.97, embeddingNorm: 3.8, flipCosine: 0.98, mirrorDisagreement: 0.02 };
  it('scores w·e + b', () => {
    expect(faceSpaceScore(new Float32Array([0.6, 0.8]), probe)).toBeCloseTo(0.5 + 0.6 - 1.6);
  });
  it('drops an unsure box below the limit, never a sure one', () => {
    expect(looksLikeFace({ ...signs, faceSpace: -1.01 }, probe)).toBe(false);
    expect(looksLikeFace({ ...signs, faceSpace: -0.99 }, probe)).toBe(true);
    expect(looksLikeFace({ ...signs, detectorScore: FACE_SPACE_SURE, faceSpace: -50 }, probe)).toBe(true);
  });
  it('decides from the own embedding outside the band around the limit, from the mirror run inside it', () => {
    const band = FACE_SPACE_BAND;
    expect(needsAveragedFaceSpace(-1 + band - 0.01, probe)).toBe(true);
    expect(needsAveragedFaceSpace(-1 + band + 0.01, probe)).toBe(false);
    expect(surelyOutsideFaceSpace(-1 - band - 0.01, probe)).toBe(true);
    expect(surelyOutsideFaceSpace(-1 - band + 0.01, probe)).toBe(false);
    // The own and flip-averaged scores differed by up to 0.98 over 3,743 faces and dogs (docs/engine.md).
    expect(band).toBeGreaterThan(0.98);
  });
});

describe('sampling from a downscaled copy', () => {
  // A smooth gradient, and its 1/4 copy made as libvips shrinks: 4×4 block means.
  const size = 240;
  const gradient = { width: size, height: size, data: new Uint8Array(size * size * 3) };
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) gradient.data.set([x, y, 100], (y * size + x) * 3);
  const quarter = { width: size / 4, height: size / 4, data: new Uint8Array((size / 4) ** 2 * 3) };
  for (let y = 0; y < size / 4; y++) {
    for (let x = 0; x < size / 4; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) sum += gradient.data[((4 * y + j) * size + 4 * x + i) * 3 + c]!;
        quarter.data[(y * (size / 4) + x) * 3 + c] = Math.round(sum / 16);
      }
    }
  }
  const copies = [{ image: quarter, scale: 0.25 }];

  it('reads a big region from the copy, with the same pixels as from the image', () => {
    const map = rectMap(8, 8, 224, 224, 28, 28); // 8 image pixels per output pixel: 2 of the copy's
    const source = samplingSource(gradient, copies, map);
    expect(source.image).toBe(quarter);
    const fromImage = warpAffine(gradient, map, 28, 28);
    const fromCopy = warpAffine(source.image, source.map, 28, 28);
    // Away from the copy's edge (where its border pixels repeat), the same values up to uint8 rounding; a
    // corner-aligned map would be 1.5 image pixels (1.5 levels here) off.
    let maxDiff = 0;
    for (let v = 1; v < 27; v++) for (let u = 1; u < 27; u++) for (let c = 0; c < 2; c++) maxDiff = Math.max(maxDiff, Math.abs(fromImage[(v * 28 + u) * 3 + c]! - fromCopy[(v * 28 + u) * 3 + c]!));
    expect(maxDiff).toBeLessThanOrEqual(1);
    expect(Math.abs(fromCopy[(14 * 28 + 14) * 3]! - (8 + 14.5 * 8 - 0.5))).toBeLessThanOrEqual(1); // the middle's red: its x
  });
  it('keeps the image when no copy would leave 2 of its pixels to an output pixel', () => {
    const map = rectMap(8, 8, 112, 112, 28, 28); // 4 image pixels per output pixel: 1 of the copy's
    const source = samplingSource(gradient, copies, map);
    expect(source.image).toBe(gradient);
    expect(source.map).toEqual(map);
  });
});
