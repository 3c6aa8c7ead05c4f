import { randomBytes } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { prepareForRekognition } from '@/lib/images/prepare-for-rekognition';
import { limits } from '@/lib/limits';
import { readDatasetFile } from './datasets';

const isJpeg = (bytes: Uint8Array) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

/** Random pixels barely compress, so a few megapixels make an image far beyond 5 MB as JPEG. */
async function noiseImage(width: number, height: number) {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });
}

describe('prepareForRekognition', () => {
  it('turns a WebP that would exceed 5 MB into a downscaled JPEG of at most 5 MB', async () => {
    const webp = new Uint8Array(await (await noiseImage(3000, 2400)).webp({ quality: 95 }).toBuffer());
    const fullSizeJpeg = await sharp(webp).jpeg({ quality: 90 }).toBuffer();
    expect(fullSizeJpeg.byteLength).toBeGreaterThan(limits.maxRekognitionBytes);

    const prepared = await prepareForRekognition(webp);

    expect(prepared.format).toBe('jpeg');
    expect(isJpeg(prepared.bytes)).toBe(true);
    expect(prepared.bytes.byteLength).toBeLessThanOrEqual(limits.maxRekognitionBytes);
    const meta = await sharp(prepared.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBeLessThan(3000);
    expect(meta.width! / meta.height!).toBeCloseTo(3000 / 2400, 2);
  });

  it('converts a real photo in WebP, AVIF and GIF to JPEG at full size', async () => {
    const original = await readDatasetFile('raw/face_recognition_ageitgey/examples/biden.jpg');
    // 400 px wide keeps the AVIF encoder quick.
    const photo = await sharp(original).resize({ width: 400 }).png().toBuffer();
    const { width, height } = await sharp(photo).metadata();
    for (const encode of [(s: Sharp) => s.webp(), (s: Sharp) => s.avif(), (s: Sharp) => s.gif()]) {
      const input = new Uint8Array(await encode(sharp(photo)).toBuffer());
      const prepared = await prepareForRekognition(input);
      expect(isJpeg(prepared.bytes)).toBe(true);
      expect([prepared.width, prepared.height]).toEqual([width, height]);
      expect(prepared.changed).toBe(true);
    }
  });

  it('passes a JPEG that already fits through byte for byte', async () => {
    const photo = await readDatasetFile('raw/face_recognition_ageitgey/examples/obama.jpg');
    const prepared = await prepareForRekognition(photo);
    expect(prepared.changed).toBe(false);
    expect(Buffer.from(prepared.bytes).equals(Buffer.from(photo))).toBe(true);
  });

  it('re-encodes an EXIF-rotated JPEG upright, swapping width and height', async () => {
    const rotated = new Uint8Array(
      await (await noiseImage(200, 100)).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
    );
    const prepared = await prepareForRekognition(rotated);
    const meta = await sharp(prepared.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([100, 200]);
    expect(meta.orientation ?? 1).toBe(1);
  });

  it('refuses an image under 80 px with a clear image_too_small error', async () => {
    const tiny = new Uint8Array(await (await noiseImage(120, 60)).png().toBuffer());
    await expect(prepareForRekognition(tiny)).rejects.toMatchObject({
      code: 'image_too_small',
      status: 400,
      message: expect.stringMatching(/120×60 px.*80 px/),
    });
  });

  it('refuses bytes that are not an image as unsupported_type', async () => {
    await expect(prepareForRekognition(new TextEncoder().encode('just some text'))).rejects.toMatchObject({
      code: 'unsupported_type',
      status: 415,
    });
  });
});
