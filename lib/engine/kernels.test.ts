/** The addon's pixel loops (native/image-kernels/warp.c) give the JavaScript loops' results bit for bit. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWithSharp } from './decode';
import { readFile } from 'node:fs/promises';
import type { RgbImage } from './image';
import { hasPixelKernels, loadNativeAddon, pixelKernelsIn, type NativeAddon } from './native';
import { jsKernels } from './pixel-kernels';
import { detectorTensor } from './nets/detector';
import { warpAffine, type Affine } from './resample';

const datasets = process.env.DATASETS_DIR ?? resolve(import.meta.dirname, '../../../shared/datasets');

function addon(): NativeAddon {
  const loaded = loadNativeAddon();
  if (!loaded) throw new Error('the addon is not built (npm ci builds it; it needs libjpeg-dev)');
  return loaded;
}

/** A seeded generator (mulberry32), so a failure names a case that can be rerun. */
function random(seed: number): () => number {
  let t = seed;
  return () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** A similarity map of the kind alignment makes: output pixels → image pixels, any angle and scale. */
function randomMap(next: () => number, img: RgbImage): Affine {
  const scale = 0.3 + next() * 7; // from enlarging to shrinking 7× (box-reduce path from 2×)
  const angle = (next() - 0.5) * Math.PI;
  const a = scale * Math.cos(angle), d = scale * Math.sin(angle);
  // Centres partly outside the image too: the edge path must match as well.
  const cx = (next() * 1.4 - 0.2) * img.width, cy = (next() * 1.4 - 0.2) * img.height;
  return [a, -d, cx - a * 56 + d * 56, d, a, cy - d * 56 - a * 56];
}

const same = (x: ArrayBufferView, y: ArrayBufferView) => Buffer.compare(Buffer.from(x.buffer, x.byteOffset, x.byteLength), Buffer.from(y.buffer, y.byteOffset, y.byteLength));

describe('pixel kernels in C', () => {
  it('are the ones the engine runs', () => {
    expect(pixelKernelsIn).toBe('C');
  });

  it('warp a real photo exactly as JavaScript does, at any scale, angle and position', async () => {
    const img = await decodeWithSharp(await readFile(resolve(datasets, 'raw/dlib_examples/examples/faces/2008_001009.jpg')));
    const native = addon();
    const next = random(7);
    let boxReduced = 0, edges = 0;
    for (let i = 0; i < 300; i++) {
      const map = randomMap(next, img);
      const size = i % 2 ? 112 : 64;
      const supersample = i % 3 ? 4 : 2;
      const js = warpAffine(img, map, size, size, supersample, jsKernels);
      const c = warpAffine(img, map, size, size, supersample, native);
      if (same(js, c) !== 0) throw new Error(`case ${i}: map ${map.join(', ')} differs`);
      if (Math.hypot(map[0], map[3]) >= 2) boxReduced++;
      if (js.some((v) => v === 0)) edges++;
    }
    // Both paths and the image edge were exercised.
    expect(boxReduced).toBeGreaterThan(100);
    expect(edges).toBeGreaterThan(30);
  });

  it('copy detector windows exactly, including windows past the image edge', async () => {
    const img = await decodeWithSharp(await readFile(resolve(datasets, 'raw/dlib_examples/examples/faces/2007_007763.jpg')));
    const native = addon();
    for (const [x0, y0, w, h] of [[0, 0, 320, 240], [17, 9, 480, 360], [-30, -12, 200, 150], [img.width - 50, img.height - 40, 100, 90]] as const) {
      expect(same(detectorTensor(img, x0, y0, w, h, jsKernels), detectorTensor(img, x0, y0, w, h, native))).toBe(0);
    }
  });

  it('are used only when the addon has every one of them (an addon built from older sources has only decode)', () => {
    const { decode, warpSampled, boxReduce, detectorTensor, resizeArea } = addon();
    expect(hasPixelKernels({ decode, warpSampled, boxReduce, detectorTensor, resizeArea })).toBe(true);
    expect(hasPixelKernels({ decode, warpSampled, boxReduce, detectorTensor })).toBe(false);
    expect(hasPixelKernels({ decode })).toBe(false);
    expect(hasPixelKernels(null)).toBe(false);
  });

  it('reject arguments that would read outside the pixels', () => {
    const native = addon();
    const data = new Uint8Array(4 * 4 * 3);
    expect(() => native.warpSampled(data, 5, 4, 1, 0, 0, 0, 1, 0, 8, 8, 1)).toThrow(/warpSampled/);
    expect(() => native.boxReduce(data, 4, 4, 0, 0, 5, 4, 2)).toThrow(/boxReduce/);
    expect(() => native.detectorTensor(data, 4, 4, 0.5, 0, 8, 8)).toThrow(/detectorTensor/);
  });

  it('area-resize a real photo exactly as JavaScript does, from strong shrinks to almost none', async () => {
    const img = await decodeWithSharp(await readFile(resolve(datasets, 'raw/openface_cmu/images/examples/carell.jpg')));
    const native = addon();
    // The pyramid's shapes (×3 and ×1.24 shrinks), LFW's 250 → 240, odd sizes, a single pixel.
    for (const [w, h] of [[200, 297], [162, 240], [img.width - 1, img.height - 10], [577, 853], [37, 11], [1, 1]] as const) {
      const js = await jsKernels.resizeArea(img.data, img.width, img.height, w, h);
      const c = await native.resizeArea(img.data, img.width, img.height, w, h);
      expect(c.length).toBe(w * h * 3);
      if (same(js, c) !== 0) throw new Error(`${w}×${h} differs`);
    }
  });

  it('refuse to area-resize upwards or past the pixels given', async () => {
    const data = new Uint8Array(4 * 4 * 3);
    expect(() => addon().resizeArea(data, 4, 4, 5, 4)).toThrow(/resizeArea/);
    expect(() => addon().resizeArea(data, 5, 4, 2, 2)).toThrow(/resizeArea/);
  });

  it('box-reduce a region wholly outside the image to black, as JavaScript does', () => {
    const data = new Uint8Array(4 * 4 * 3).fill(200);
    // coveredRegion clips a face far off the left edge to x1 < x0 = 0.
    expect([...addon().boxReduce(data, 4, 4, 0, 0, -7, 4, 2)]).toEqual([...jsKernels.boxReduce(data, 4, 4, 0, 0, -7, 4, 2)]);
    expect([...addon().boxReduce(data, 4, 4, 0, 0, -7, 4, 2)]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
