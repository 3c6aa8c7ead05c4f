import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { stripJpegMetadata } from './jpeg-strip';

async function photo(progressive = false): Promise<Buffer> {
  // Noise, so the scans hold many 0xFF bytes (stuffed as FF00) and restart-free entropy data.
  const noise = Buffer.alloc(64 * 48 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  return sharp(noise, { raw: { width: 64, height: 48, channels: 3 } })
    .withExif({ IFD0: { Make: 'StripCam', Model: 'GPS-1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100' } })
    .jpeg({ progressive })
    .toBuffer();
}

function segment(marker: number, text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

describe('stripJpegMetadata', () => {
  it.each([false, true])('drops EXIF, GPS and comments and keeps the exact pixels (progressive: %s)', async (progressive) => {
    const original = await photo(progressive);
    const withComment = Buffer.concat([original.subarray(0, 2), segment(0xfe, '<script>alert(1)</script>'), original.subarray(2)]);
    const stripped = Buffer.from(stripJpegMetadata(withComment)!);
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const meta = await sharp(stripped).metadata();
    expect([meta.format, meta.exif, meta.xmp, meta.iptc, meta.width, meta.height]).toEqual(['jpeg', undefined, undefined, undefined, 64, 48]);
    for (const text of ['StripCam', 'GPS', '<script']) expect(stripped.includes(text)).toBe(false);
    expect(await sharp(stripped).raw().toBuffer()).toEqual(await sharp(original).raw().toBuffer());
  });

  it('drops a comment between the scans of a progressive JPEG', async () => {
    const original = await photo(true);
    const secondScan = original.indexOf(Buffer.from([0xff, 0xda]), original.indexOf(Buffer.from([0xff, 0xda])) + 2);
    const spliced = Buffer.concat([original.subarray(0, secondScan), segment(0xfe, 'between scans'), original.subarray(secondScan)]);
    expect(Buffer.from(stripJpegMetadata(spliced)!).includes('between scans')).toBe(false);
  });

  it('refuses what it cannot vouch for: truncated files, data after EOI, bad lengths, not a JPEG', async () => {
    const original = await photo();
    expect(stripJpegMetadata(original.subarray(0, original.length - 100))).toBeNull();
    expect(stripJpegMetadata(Buffer.concat([original, Buffer.from('<html>')]))).toBeNull();
    const badLength = Buffer.from(original);
    badLength.writeUInt16BE(0xffff, 4); // the first segment claims to run past the end
    expect(stripJpegMetadata(badLength)).toBeNull();
    expect(stripJpegMetadata(await sharp(original).png().toBuffer())).toBeNull();
  });
});
