import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cropFaces, faceThumbnailSide } from './crop';

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
