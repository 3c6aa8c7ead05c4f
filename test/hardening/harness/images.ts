import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { datasetsDir } from '../../rekognition/datasets';

/** Real photos from the shared datasets (read at run time, never committed). */
export const REAL_PHOTOS = [
  'raw/face_recognition_ageitgey/examples/obama.jpg',
  'raw/face_recognition_ageitgey/examples/biden.jpg',
  'raw/face_recognition_ageitgey/examples/two_people.jpg',
  'raw/face_recognition_ageitgey/examples/obama_small.jpg',
] as const;

export async function readPhoto(relativePath: string = REAL_PHOTOS[0]): Promise<Uint8Array> {
  return new Uint8Array(await readFile(resolve(datasetsDir, relativePath)));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.byteLength, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A valid-looking PNG of a few hundred bytes whose header declares width×height (a decompression bomb). */
export function pngBomb(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, deflate, no filter tweaks, no interlace
  const firstRows = deflateSync(Buffer.alloc((width + 1) * 4));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', firstRows), pngChunk('IEND', new Uint8Array(0))]);
}

/** A real PNG (the photo, resized) with one byte of its IDAT checksum flipped. */
export async function pngWithBrokenCrc(photo: Uint8Array): Promise<Uint8Array> {
  const png = Buffer.from(await sharp(photo).resize(200, 200).png().toBuffer());
  const idat = png.indexOf('IDAT', 0, 'ascii');
  const length = png.readUInt32BE(idat - 4);
  const crcAt = idat + 4 + length;
  png[crcAt] = png[crcAt]! ^ 0xff;
  return png;
}

/** A plain grey image of the given size. */
export async function solid(width: number, height: number, format: 'png' | 'jpeg' = 'png'): Promise<Uint8Array> {
  const image = sharp({ create: { width, height, channels: 3, background: '#808080' } });
  return format === 'png' ? image.png().toBuffer() : image.jpeg().toBuffer();
}

/** A three-frame animated GIF made from the photo. */
export async function animatedGif(photo: Uint8Array): Promise<Uint8Array> {
  const frames = await Promise.all([0, 90, 180].map((angle) => sharp(photo).resize(240, 240).rotate(angle).png().toBuffer()));
  return sharp(frames, { join: { animated: true } }).gif({ delay: 200, loop: 0 }).toBuffer();
}

/** The photo as JPEG carrying an HTML page with a script in a COM segment (a JPEG/HTML polyglot). */
export function jpegWithHtml(photo: Uint8Array): Uint8Array {
  const html = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');
  const com = Buffer.alloc(4);
  com.writeUInt16BE(0xfffe, 0);
  com.writeUInt16BE(html.byteLength + 2, 2);
  return Buffer.concat([photo.subarray(0, 2), com, html, photo.subarray(2)]);
}

/** The photo's JPEG with EXIF carrying GPS coordinates and a camera name. */
export async function jpegWithGps(photo: Uint8Array): Promise<Uint8Array> {
  return sharp(photo)
    .withExif({ IFD0: { Make: 'HardeningCam', Model: 'GPS-1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100' } })
    .jpeg()
    .toBuffer();
}

/** The photo padded with trailing bytes after its end marker to exactly `size` bytes (decoders ignore them). */
export function paddedTo(photo: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(photo);
  return out;
}
