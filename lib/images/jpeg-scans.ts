import { endOfScan } from './jpeg-strip';

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

/**
 * How many scans (SOS segments) a JPEG holds, from a walk over its segment headers (no decode). A baseline
 * JPEG has one; progressive encoders write about 10 (libjpeg, mozjpeg: 10-13). Each scan makes a decoder
 * pass over the whole image, so a small file with thousands of scans costs minutes of CPU to decode: the
 * upload checks refuse more than limits.maxJpegScans before anything decodes it. The walk stops at EOI or
 * at the first byte that is not where a marker should be (the decoder then reports the damage itself).
 */
export function countJpegScans(jpeg: Uint8Array): number {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== SOI) return 0;
  let scans = 0;
  let offset = 2;
  while (offset + 2 <= jpeg.length) {
    if (jpeg[offset] !== 0xff) return scans;
    const marker = jpeg[offset + 1]!;
    if (marker === 0xff) { offset += 1; continue; } // fill byte
    if (marker === EOI) return scans;
    if (offset + 4 > jpeg.length) return scans;
    const segmentLength = (jpeg[offset + 2]! << 8) | jpeg[offset + 3]!;
    if (segmentLength < 2) return scans;
    let end = offset + 2 + segmentLength;
    if (marker === SOS) {
      scans += 1;
      end = endOfScan(jpeg, end);
    }
    offset = end;
  }
  return scans;
}
