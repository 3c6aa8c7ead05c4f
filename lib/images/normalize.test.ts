import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { limits } from '../limits';
import { countJpegScans } from './jpeg-scans';
import { checkUpload, normalizeImage } from './normalize';
import { progressiveScanBomb } from '../../test/fuzz/jpeg-mutations';

async function solid(width: number, height: number, format: 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' = 'png'): Promise<Uint8Array> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } });
  return new Uint8Array(await image.toFormat(format).toBuffer());
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('checkUpload', () => {
  it('refuses an empty file as invalid input', () => {
    expect(() => checkUpload(new Uint8Array())).toThrowError(expect.objectContaining({ code: 'invalid_input' }));
  });

  it('refuses one byte over the upload limit as too large', () => {
    const big = new Uint8Array(limits.maxUploadBytes + 1);
    big.set([0xff, 0xd8, 0xff]);
    expect(() => checkUpload(big)).toThrowError(expect.objectContaining({ code: 'too_large' }));
  });

  it('refuses text named like a photo as unsupported', () => {
    expect(() => checkUpload(new TextEncoder().encode('not a photo at all'))).toThrowError(
      expect.objectContaining({ code: 'unsupported_type', status: 415 }),
    );
  });
});

describe('normalizeImage', () => {
  it.each(['jpeg', 'png', 'webp', 'gif', 'avif'] as const)('re-encodes %s as a JPEG of the same size', async (format) => {
    const out = await normalizeImage(await solid(120, 90, format));
    expect(out.sourceType).toBe(format);
    expect(out.mimeType).toBe('image/jpeg');
    expect([out.width, out.height]).toEqual([120, 90]);
    expect((await sharp(out.bytes).metadata()).format).toBe('jpeg');
  });

  it('stores an upright JPEG as it came, less its EXIF: the same bytes of image data, no re-encode', async () => {
    const upright = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#336699' } })
      .withExif({ IFD0: { Make: 'UprightCam' } })
      .jpeg({ quality: 61 })
      .toBuffer();
    const out = await normalizeImage(new Uint8Array(upright));
    const stored = Buffer.from(out.bytes);
    expect(stored.includes('UprightCam')).toBe(false);
    expect((await sharp(stored).metadata()).exif).toBeUndefined();
    // Re-encoding at quality 88 would change the tables and the scan; stripping keeps them byte for byte.
    const fromTables = (jpeg: Buffer) => jpeg.subarray(jpeg.indexOf(Buffer.from([0xff, 0xdb])));
    expect(fromTables(stored).equals(fromTables(upright))).toBe(true);
  });

  it('applies EXIF orientation and drops the metadata', async () => {
    const rotated = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#336699' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const out = await normalizeImage(new Uint8Array(rotated));
    expect([out.width, out.height]).toEqual([100, 200]);
    const meta = await sharp(out.bytes).metadata();
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
  });

  it('refuses 79 px as too small and accepts 80 px', async () => {
    expect(await codeOf(normalizeImage(await solid(79, 79)))).toBe('image_too_small');
    await expect(normalizeImage(await solid(80, 80))).resolves.toMatchObject({ width: 80, height: 80 });
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    // A 100×100 PNG of a few hundred bytes whose header (CRC fixed) declares 30000×30000 pixels.
    const bomb = (await solid(100, 100)).slice();
    new DataView(bomb.buffer).setUint32(16, 30_000);
    new DataView(bomb.buffer).setUint32(20, 30_000);
    new DataView(bomb.buffer).setUint32(29, crc32(bomb.subarray(12, 29)));
    expect(await codeOf(normalizeImage(bomb))).toBe('too_large');
  });

  it('refuses a JPEG with more scans than limits.maxJpegScans from a walk over its segments, before any decode', async () => {
    const progressive = new Uint8Array(await sharp(await solid(400, 300, 'jpeg')).jpeg({ progressive: true }).toBuffer());
    expect(countJpegScans(progressive)).toBeGreaterThan(1);
    expect(countJpegScans(progressive)).toBeLessThan(20);
    const bomb = progressiveScanBomb(1024, 1);
    expect(countJpegScans(bomb)).toBe(127);
    const started = performance.now();
    expect(await codeOf(normalizeImage(bomb))).toBe('unsupported_type');
    expect(performance.now() - started).toBeLessThan(200);
    expect((await normalizeImage(progressive)).width).toBe(400);
  });

  it('refuses a truncated JPEG as unreadable', async () => {
    const jpeg = await solid(400, 300, 'jpeg');
    expect(await codeOf(normalizeImage(jpeg.slice(0, 200)))).toBe('unsupported_type');
  });

  it('caps the longest side of very large photos', async () => {
    const out = await normalizeImage(await solid(5000, 2500, 'jpeg'));
    expect([out.width, out.height]).toEqual([4096, 2048]);
  });
});
