import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cropFaces, faceThumbnailSide, thumbnailEncoder } from './crop';

const datasets = process.env.DATASETS_DIR ?? resolve(import.meta.dirname, '../../../shared/datasets');
const PHOTO = resolve(datasets, 'raw/face_recognition_ageitgey/examples/knn_examples/test/obama_and_biden.jpg');
// Regions under 2 × 160 px in the 2000 × 1428 photo, so the bytes path decodes at full scale too.
const BOXES = [
  { Left: 0.25, Top: 0.15, Width: 0.07, Height: 0.1 },
  { Left: 0.6, Top: 0.15, Width: 0.07, Height: 0.1 },
  { Left: 0.96, Top: 0.95, Width: 0.07, Height: 0.1 }, // past the corner: clamped, still a square crop
];

async function rgbOf(jpeg: Uint8Array) {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('cropFaces', () => {
  it('cuts the same thumbnails from decoded pixels (the upload path) as from the photo itself', async () => {
    const photo = new Uint8Array(await readFile(PHOTO));
    const fromBytes = await cropFaces(photo, BOXES);
    const fromPixels = await cropFaces(await rgbOf(photo), BOXES);
    expect(fromPixels).toHaveLength(BOXES.length);
    for (const [n, thumbnail] of fromPixels.entries()) {
      const [a, b] = [await rgbOf(thumbnail), await rgbOf(fromBytes[n]!)];
      expect([a.width, a.height]).toEqual([faceThumbnailSide, faceThumbnailSide]);
      const meanDifference = a.data.reduce((sum, value, i) => sum + Math.abs(value - b.data[i]!), 0) / a.data.length;
      expect(meanDifference).toBeLessThan(1); // the same region of the same pixels
    }
    // Two different faces are different crops: the comparison above could tell them apart.
    const [first, second] = [await rgbOf(fromPixels[0]!), await rgbOf(fromPixels[1]!)];
    expect(first.data.reduce((sum, value, i) => sum + Math.abs(value - second.data[i]!), 0) / first.data.length).toBeGreaterThan(10);
  });
});

/** sharp's thumbnail of a region (the reference the addon's encoder is held to). */
async function sharpThumbnail(pixels: { data: Uint8Array; width: number; height: number }, region: { left: number; top: number; side: number }) {
  return sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 3 } })
    .extract({ left: region.left, top: region.top, width: region.side, height: region.side })
    .resize(faceThumbnailSide, faceThumbnailSide)
    .jpeg({ quality: 85 })
    .toBuffer();
}

describe('the addon\'s thumbnail encoder', () => {
  it('is the one in use, and its thumbnails look like sharp\'s whether it shrinks or enlarges the face', async () => {
    expect(thumbnailEncoder).toBe('libjpeg');
    const pixels = await rgbOf(new Uint8Array(await readFile(PHOTO)));
    // Regions in pixels of the 2000 × 1428 photo: shrunk 4.5×, 1.5×, enlarged 2.7×; the box that gives each.
    const regions = [{ left: 300, top: 100, side: 720 }, { left: 1100, top: 200, side: 240 }, { left: 1000, top: 700, side: 60 }];
    for (const region of regions) {
      const side = region.side / 1.7; // extractRegion widens the box by 35 % a side
      const box = { Left: (region.left + (region.side - side) / 2) / pixels.width, Top: (region.top + (region.side - side) / 2) / pixels.height, Width: side / pixels.width, Height: side / pixels.height };
      const [ours] = await cropFaces(pixels, [box]);
      const [a, b] = [await rgbOf(ours!), await rgbOf(await sharpThumbnail(pixels, region))];
      const meanDifference = a.data.reduce((sum, value, i) => sum + Math.abs(value - b.data[i]!), 0) / a.data.length;
      expect(meanDifference, `region ${JSON.stringify(region)}`).toBeLessThan(4);
    }
  });

  it('refuses a region outside the image or pixels of the wrong length, before any work', () => {
    const { encodeThumbnail } = createRequire(import.meta.url)('cf-image-kernels') as { encodeThumbnail: (...args: unknown[]) => Promise<Buffer> };
    const pixels = new Uint8Array(100 * 80 * 3);
    expect(() => encodeThumbnail(pixels, 100, 80, 30, 30, 60, 160, 85)).toThrow(RangeError);
    expect(() => encodeThumbnail(pixels, 100, 81, 0, 0, 50, 160, 85)).toThrow(RangeError);
    expect(() => encodeThumbnail(pixels, 100, 80, -1, 0, 50, 160, 85)).toThrow(RangeError);
    expect(() => encodeThumbnail('pixels', 100, 80, 0, 0, 50, 160, 85)).toThrow(TypeError);
  });
});
