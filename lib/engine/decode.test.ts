/** The decode stage: the JPEG addon gives sharp's exact pixels, and hands sharp what it should not decode. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, decodeWithSharp, jpegDecoder } from './decode';
import { loadNativeAddon, type NativeAddon } from './native';
import { progressiveScanBomb, scanBomb } from '../../test/fuzz/jpeg-mutations';

const repoRoot = resolve(import.meta.dirname, '../..');
const datasets = process.env.DATASETS_DIR ?? resolve(repoRoot, '../shared/datasets');
const raw = (p: string) => resolve(datasets, 'raw', p);

/** One photo of each kind of JPEG in the raw sets. */
const KINDS = {
  'baseline 4:2:0': raw('dlib_examples/examples/faces/2007_007763.jpg'),
  'baseline 4:4:4': raw('dlib_examples/examples/faces/2008_001009.jpg'),
  'progressive 4:2:0': raw('dlib_examples/examples/faces/Tom_Cruise_avp_2014_4.jpg'),
  'progressive 4:4:4': raw('dlib_examples/examples/faces/dogs.jpg'),
  greyscale: raw('five_celebrity_jasmcaus/Resources/Faces/val/madonna/4.jpg'),
};

function addon(): NativeAddon {
  const loaded = loadNativeAddon();
  if (!loaded) throw new Error('the JPEG addon is not built (npm ci builds it; it needs libjpeg-dev)');
  return loaded;
}

/** Overwrites the value of the EXIF orientation entry (IFD0 tag 0x0112) in place. */
function setOrientationValue(jpeg: Uint8Array, value: number): void {
  const exif = Buffer.from(jpeg).indexOf('Exif\0\0', 0, 'latin1');
  if (exif < 0) throw new Error('no EXIF segment');
  const tiff = exif + 6;
  const view = new DataView(jpeg.buffer, jpeg.byteOffset);
  const little = jpeg[tiff] === 0x49;
  const ifd = tiff + view.getUint32(tiff + 4, little);
  for (let i = 0; i < view.getUint16(ifd, little); i++) {
    const entry = ifd + 2 + i * 12;
    if (view.getUint16(entry, little) === 0x0112) return view.setUint16(entry + 8, value, little);
  }
  throw new Error('no orientation entry');
}

async function decodeNative(bytes: Uint8Array, maxPixels = 40_000_000, maxScans?: number) {
  return addon().decode(bytes, maxPixels, maxScans);
}

describe('JPEG addon', () => {
  it('is built and used for JPEGs', () => {
    expect(jpegDecoder).toBe('libjpeg');
  });

  for (const [kind, file] of Object.entries(KINDS)) {
    it(`gives sharp's exact pixels: ${kind}`, async () => {
      const bytes = new Uint8Array(await readFile(file));
      const native = await decodeNative(bytes);
      const viaSharp = await decodeWithSharp(bytes);
      if (!('data' in native)) throw new Error(`addon fell back: ${native.fallback}`);
      expect([native.width, native.height]).toEqual([viaSharp.width, viaSharp.height]);
      expect(Buffer.compare(native.data, Buffer.from(viaSharp.data))).toBe(0);
    });
  }

  it('turns every EXIF orientation upright exactly as sharp does', async () => {
    const stored = await readFile(KINDS['baseline 4:2:0']); // 500×375
    for (let orientation = 1; orientation <= 8; orientation++) {
      const tagged = new Uint8Array(await sharp(stored).withMetadata({ orientation }).jpeg().toBuffer());
      const native = await decodeNative(tagged);
      const viaSharp = await decodeWithSharp(tagged);
      if (!('data' in native)) throw new Error(`orientation ${orientation}: addon fell back: ${native.fallback}`);
      expect([native.width, native.height], `orientation ${orientation}`).toEqual(orientation >= 5 ? [375, 500] : [500, 375]);
      expect(Buffer.compare(native.data, Buffer.from(viaSharp.data)), `orientation ${orientation}`).toBe(0);
    }
  });

  it('leaves an orientation tag it cannot read plainly to sharp', async () => {
    const tagged = new Uint8Array(await sharp(await readFile(KINDS['baseline 4:2:0'])).withMetadata({ orientation: 6 }).jpeg().toBuffer());
    setOrientationValue(tagged, 9);
    expect(await decodeNative(tagged)).toEqual({ fallback: 'oriented' });
    const decoded = await decodeImage(tagged);
    expect(Buffer.from(decoded.data).equals(Buffer.from((await decodeWithSharp(tagged)).data))).toBe(true);
  });

  it('leaves CMYK to sharp', async () => {
    const cmyk = new Uint8Array(await sharp(await readFile(KINDS['baseline 4:4:4'])).toColourspace('cmyk').jpeg().toBuffer());
    expect(await decodeNative(cmyk)).toMatchObject({ fallback: 'colour_space' });
    const decoded = await decodeImage(cmyk);
    expect([decoded.width, decoded.height, decoded.data.length]).toEqual([360, 480, 360 * 480 * 3]);
  });

  it('leaves truncated data to sharp, and decodes as sharp does', async () => {
    const whole = new Uint8Array(await readFile(KINDS['baseline 4:2:0']));
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    expect(await decodeNative(truncated)).toMatchObject({ fallback: 'warning' });
    const ours = await decodeImage(truncated).then((img) => Buffer.from(img.data).toString('base64'), (error: { code?: string }) => `threw ${error.code}`);
    const sharps = await decodeWithSharp(truncated).then((img) => Buffer.from(img.data).toString('base64'), (error: { code?: string }) => `threw ${error.code}`);
    expect(ours).toBe(sharps);
  });

  it('rejects what is not a JPEG, so decodeImage gives the usual errors', async () => {
    const garbage = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // libjpeg warns (premature end) before it fails: the decode stops at the first warning, for sharp.
    expect(await decodeNative(garbage)).toEqual({ fallback: 'warning', message: 'Premature end of JPEG file' });
    await expect(decodeImage(garbage)).rejects.toMatchObject({ code: 'invalid_input' });
    const png = new Uint8Array(await sharp({ create: { width: 4, height: 4, channels: 3, background: '#888' } }).png().toBuffer());
    expect(await decodeNative(png)).toEqual({ fallback: 'not_jpeg' });
  });

  it('checks the pixel limit from the header, before decoding', async () => {
    const bytes = new Uint8Array(await readFile(KINDS['baseline 4:2:0']));
    expect(await decodeNative(bytes, 500 * 375 - 1)).toEqual({ fallback: 'too_large' });
    expect(await decodeNative(bytes, 500 * 375)).toMatchObject({ width: 500, height: 375 });
  });

  it('refuses arguments of the wrong type', () => {
    expect(() => addon().decode('not bytes' as unknown as Uint8Array, 1)).toThrow(TypeError);
  });

  it('stops a JPEG with more scans than the limit as it reads them (progress monitor), and decodeImage refuses it without sharp', async () => {
    // 883 valid scans (no warning along the way) of a 4 MP image: about 0.8 s for libjpeg or sharp to decode.
    const bomb = progressiveScanBomb(2048, 13);
    expect(await decodeNative(bomb, 40_000_000, 100_000)).toMatchObject({ width: 2048, height: 2048 });
    expect(await decodeNative(bomb, 40_000_000, 100)).toEqual({ fallback: 'too_many_scans', message: 'more than 100 scans' });
    await expect(decodeImage(bomb)).rejects.toMatchObject({ code: 'unsupported_type' });
    // A file that warns first (an inconsistent progression) stops at its first warning, for sharp.
    expect(await decodeNative(await scanBomb(512, 150), 40_000_000, 100)).toMatchObject({ fallback: 'warning' });
    // A real progressive photo (10 scans) decodes as before.
    expect(await decodeNative(new Uint8Array(await readFile(KINDS['progressive 4:2:0'])), 40_000_000, 100)).toHaveProperty('width');
  });

  it('decodes many photos at once, each to its own pixels', async () => {
    const files = Object.values(KINDS);
    const bytes = await Promise.all(files.map(async (f) => new Uint8Array(await readFile(f))));
    const together = await Promise.all(bytes.flatMap((b) => [decodeNative(b), decodeNative(b)]));
    const alone = await Promise.all(bytes.map((b) => decodeWithSharp(b)));
    together.forEach((result, i) => {
      if (!('data' in result)) throw new Error(`addon fell back: ${result.fallback}`);
      expect(Buffer.compare(result.data, Buffer.from(alone[i >> 1]!.data))).toBe(0);
    });
  });
});
