/**
 * Lossless metadata removal for an upright baseline or progressive JPEG: the stored photo keeps the
 * upload's exact pixels with no decode and no re-encode (4-32 ms a photo saved, measured in bench:web),
 * and the engine decodes the upload only once. Hand-written because it is a walk over segment headers:
 * no library does only this without decoding.
 *
 * Kept: SOI, APP0 (JFIF), APP2 (ICC colour profile), APP14 (Adobe colour transform, needed to decode some
 * files right), the frame, tables and the entropy-coded scans, EOI. Dropped: APP1 (EXIF, XMP: GPS, camera),
 * APP3-APP13 and APP15 (IPTC, vendor data), COM (comments), and anything after EOI. Returns null when the
 * file is not a well-formed JPEG by this walk (truncated, no EOI, bytes after EOI, a bad segment length):
 * the caller re-encodes it instead, which also gives the proper error for a damaged file.
 */
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const KEPT_APPS = new Set([0xe0, 0xe2, 0xee]);

function isDropped(marker: number): boolean {
  if (marker === 0xfe) return true; // COM
  return marker >= 0xe0 && marker <= 0xef && !KEPT_APPS.has(marker);
}

export function stripJpegMetadata(jpeg: Uint8Array): Uint8Array | null {
  const length = jpeg.length;
  if (length < 4 || jpeg[0] !== 0xff || jpeg[1] !== SOI) return null;
  if (jpeg[length - 2] !== 0xff || jpeg[length - 1] !== EOI) return null; // truncated, or data appended after EOI
  const kept: Uint8Array[] = [jpeg.subarray(0, 2)];
  let offset = 2;
  while (offset + 2 <= length) {
    if (jpeg[offset] !== 0xff) return null;
    const marker = jpeg[offset + 1]!;
    if (marker === 0xff) { offset += 1; continue; } // fill byte
    if (marker === EOI) return offset + 2 === length ? new Uint8Array(Buffer.concat([...kept, jpeg.subarray(offset)])) : null;
    if (offset + 4 > length) return null;
    const segmentLength = (jpeg[offset + 2]! << 8) | jpeg[offset + 3]!;
    if (segmentLength < 2 || offset + 2 + segmentLength > length) return null;
    let end = offset + 2 + segmentLength;
    if (marker === SOS) end = endOfScan(jpeg, end); // the entropy-coded data stays with its header
    if (!isDropped(marker)) kept.push(jpeg.subarray(offset, end));
    offset = end;
  }
  return null;
}

/** Offset of the first marker after a scan's entropy-coded data (0xFF00 is a stuffed byte, 0xFFD0-D7 a restart). */
export function endOfScan(jpeg: Uint8Array, from: number): number {
  for (let i = from; i + 1 < jpeg.length; i++) {
    if (jpeg[i] !== 0xff) continue;
    const next = jpeg[i + 1]!;
    if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return i;
  }
  return jpeg.length;
}
