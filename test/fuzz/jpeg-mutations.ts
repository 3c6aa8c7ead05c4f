/**
 * Damaged JPEGs for the fuzz test and the decoder tests: seeded mutations of real, small JPEGs (truncated,
 * flipped bytes, bogus markers, huge declared sizes, broken segment lengths, scan bombs), each reproducible
 * from its index.
 */
import sharp, { type Sharp } from 'sharp';
import { endOfScan } from '../../lib/images/jpeg-strip';

/** A seeded generator (mulberry32), so a failing case can be rebuilt from its seed. */
export function random(seed: number): () => number {
  let t = seed;
  return () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** A JPEG's segments: offset, marker and end (a scan's end includes its entropy-coded data). */
export function segmentsOf(jpeg: Uint8Array): Array<{ offset: number; marker: number; end: number }> {
  const segments: Array<{ offset: number; marker: number; end: number }> = [];
  let offset = 2;
  while (offset + 4 <= jpeg.length && jpeg[offset] === 0xff) {
    const marker = jpeg[offset + 1]!;
    if (marker === 0xd9) break;
    const length = (jpeg[offset + 2]! << 8) | jpeg[offset + 3]!;
    let end = offset + 2 + length;
    if (marker === 0xda) end = endOfScan(jpeg, end);
    if (length < 2 || end > jpeg.length) break;
    segments.push({ offset, marker, end });
    offset = end;
  }
  return segments;
}

/** Base images: small, of every kind the decoders treat differently. */
export async function baseJpegs(): Promise<Array<{ name: string; bytes: Uint8Array }>> {
  const width = 96, height = 72;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set([(x * 5) & 255, (y * 7) & 255, (x * y) & 255], (y * width + x) * 3);
  const image = () => sharp(pixels, { raw: { width, height, channels: 3 } });
  const make = async (name: string, build: (s: Sharp) => Sharp) => ({ name, bytes: new Uint8Array(await build(image()).toBuffer()) });
  return Promise.all([
    make('baseline 4:2:0', (s) => s.jpeg({ quality: 80 })),
    make('baseline 4:4:4', (s) => s.jpeg({ quality: 90, chromaSubsampling: '4:4:4' })),
    make('progressive', (s) => s.jpeg({ quality: 80, progressive: true })),
    make('greyscale', (s) => s.greyscale().jpeg({ quality: 80 })),
    make('EXIF rotated', (s) => s.withMetadata({ orientation: 6 }).jpeg({ quality: 80 })),
    make('optimised huffman', (s) => s.jpeg({ quality: 70, optimiseCoding: true, trellisQuantisation: true })),
  ]);
}

export type MutationKind = 'truncated' | 'flipped bytes' | 'bogus marker' | 'huge declared size' | 'bad segment length' | 'dropped segment' | 'duplicated scan' | 'garbage tail';

export const MUTATION_KINDS: readonly MutationKind[] = ['truncated', 'flipped bytes', 'bogus marker', 'huge declared size', 'bad segment length', 'dropped segment', 'duplicated scan', 'garbage tail'];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

/** One mutation of `jpeg` of `kind`, driven by `next`. */
export function mutate(jpeg: Uint8Array, kind: MutationKind, next: () => number): Uint8Array {
  const out = new Uint8Array(jpeg);
  const segments = segmentsOf(jpeg);
  const at = (max: number) => Math.floor(next() * max);
  switch (kind) {
    case 'truncated':
      return out.subarray(0, 2 + at(jpeg.length - 2));
    case 'flipped bytes': {
      for (let i = 0, n = 1 + at(16); i < n; i++) {
        const index = at(out.length);
        out[index] = out[index]! ^ (1 << at(8));
      }
      return out;
    }
    case 'bogus marker': {
      const segment = pick(next, segments);
      const marker = pick(next, [0xc0, 0xc1, 0xc2, 0xc4, 0xc8, 0xcc, 0xd0, 0xd8, 0xd9, 0xda, 0xdb, 0xdd, 0xe1, 0xfe, 0x00, 0x01, 0xff, at(256)]);
      if (next() < 0.5) {
        out[segment.offset + 1] = marker; // a segment re-labelled
        return out;
      }
      const length = at(0x10000);
      const inserted = new Uint8Array([0xff, marker, length >> 8, length & 255, ...Array.from({ length: at(32) }, () => at(256))]);
      return concat(out.subarray(0, segment.offset), inserted, out.subarray(segment.offset));
    }
    case 'huge declared size': {
      const frame = segments.find((s) => s.marker >= 0xc0 && s.marker <= 0xcf && s.marker !== 0xc4 && s.marker !== 0xc8 && s.marker !== 0xcc);
      if (!frame) return out;
      const view = new DataView(out.buffer, out.byteOffset);
      const sizes = [0, 1, 0xffff, 0xfffe, 65500, 30000, 8192 + at(20000)];
      view.setUint16(frame.offset + 5, pick(next, sizes)); // height
      view.setUint16(frame.offset + 7, pick(next, sizes)); // width
      if (next() < 0.3) out[frame.offset + 9] = pick(next, [0, 2, 4, 255]); // component count
      return out;
    }
    case 'bad segment length': {
      const segment = pick(next, segments);
      const view = new DataView(out.buffer, out.byteOffset);
      view.setUint16(segment.offset + 2, pick(next, [0, 1, 2, 3, 0xffff, 0x8000, at(0x10000)]));
      return out;
    }
    case 'dropped segment': {
      const segment = pick(next, segments);
      return concat(out.subarray(0, segment.offset), out.subarray(segment.end));
    }
    case 'duplicated scan': {
      const scans = segments.filter((s) => s.marker === 0xda);
      const scan = pick(next, scans.length ? scans : segments);
      const copies = Array.from({ length: 1 + at(200) }, () => jpeg.subarray(scan.offset, scan.end));
      return concat(out.subarray(0, scan.end), ...copies, out.subarray(scan.end));
    }
    case 'garbage tail':
      return concat(out.subarray(0, at(jpeg.length)), Uint8Array.from({ length: 1 + at(4096) }, () => at(256)));
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * A progressive JPEG of side × side whose last scan is repeated `extraScans` times: a small file that costs
 * a decoder one pass over the whole image per scan (libjpeg warns of the inconsistent progression, and
 * without a scan limit goes on through all of them).
 */
export async function scanBomb(side: number, extraScans: number): Promise<Uint8Array> {
  const base = new Uint8Array(await sharp({ create: { width: side, height: side, channels: 3, background: '#808080' } }).jpeg({ progressive: true, quality: 80 }).toBuffer());
  const last = segmentsOf(base).filter((s) => s.marker === 0xda).at(-1);
  if (!last) throw new Error('no scan in a progressive JPEG');
  const scan = base.subarray(last.offset, last.end);
  return concat(base.subarray(0, last.end), ...Array.from({ length: extraScans }, () => scan), base.subarray(last.end));
}

/**
 * A valid progressive greyscale JPEG of side × side (a multiple of 1024) with many scans and no warning:
 * a DC scan, then every AC coefficient alone in a first scan at bit `levels` and one refinement scan per
 * lower bit (1 + 63 × (levels + 1) scans; levels 13 gives 883). Its pixels are flat grey, so every scan is a
 * few bytes (runs of empty blocks), yet each one makes the decoder pass over the whole image: the kind of
 * file a scan limit must stop. Written by hand because no encoder takes such a scan script.
 */
export function progressiveScanBomb(side: number, levels: number): Uint8Array {
  if (side % 1024 !== 0) throw new Error('side must be a multiple of 1024 (whole runs of 16384 blocks)');
  const blocks = (side / 8) ** 2;
  const bytes: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]) => bytes.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255, ...body);
  segment(0xdb, [0x00, ...Array.from({ length: 64 }, () => 1)]); // DQT: all ones
  segment(0xc2, [8, side >> 8, side & 255, side >> 8, side & 255, 1, 1, 0x11, 0]); // SOF2, one component
  // DHT: DC table 0 has one code ('0': difference 0); AC table 0 has EOB0 ('0') and EOB14 ('10').
  segment(0xc4, [0x00, 1, ...Array.from({ length: 15 }, () => 0), 0x00, 0x10, 1, 1, ...Array.from({ length: 14 }, () => 0), 0x00, 0xe0]);
  const scan = (ss: number, se: number, ah: number, al: number, data: number[]) => {
    segment(0xda, [1, 1, 0x00, ss, se, (ah << 4) | al]);
    bytes.push(...data);
  };
  // DC: one '0' bit per block (all multiples of 8 bits). AC: runs of 16384 empty blocks, EOB14 + 14 zero bits each.
  scan(0, 0, 0, 0, Array.from({ length: blocks / 8 }, () => 0));
  const runs = Array.from({ length: blocks / 16384 }, () => [0x80, 0x00]).flat();
  for (let al = levels; al >= 0; al--) {
    for (let k = 1; k < 64; k++) scan(k, k, al === levels ? 0 : al + 1, al, runs);
  }
  bytes.push(0xff, 0xd9);
  return new Uint8Array(bytes);
}
