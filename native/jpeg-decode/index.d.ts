/** What `decode` gives: RGB pixels, or why the caller should decode another way. */
export type DecodeResult =
  | { width: number; height: number; data: Buffer }
  | { fallback: 'not_jpeg' | 'oriented' | 'colour_space' | 'too_large' | 'warning' | 'error'; message?: string };

/**
 * Decodes a JPEG to upright 8-bit RGB (HWC, no padding) on a libuv thread with the system's libjpeg:
 * accurate integer IDCT and fancy upsampling as libvips does, EXIF orientation applied as sharp's rotate()
 * does. Anything it would not decode exactly as sharp does (an odd orientation tag, CMYK, a libjpeg
 * warning such as truncated data) comes back as a fallback, so the caller decodes with sharp instead.
 */
export function decode(bytes: Uint8Array, maxPixels: number): Promise<DecodeResult>;

/**
 * The engine's per-face pixel loops (warp.c), bit-identical to lib/engine/preprocess.ts jsKernels.
 * Synchronous; each throws a TypeError when its arguments would read outside `data` (RGB HWC, uint8).
 */
export function warpSampled(data: Uint8Array, width: number, height: number, a: number, b: number, c: number, d: number, e: number, f: number, outW: number, outH: number, k: number): Float32Array;
export function boxReduce(data: Uint8Array, width: number, height: number, x0: number, y0: number, x1: number, y1: number, factor: number): Uint8Array;
export function detectorTensor(data: Uint8Array, width: number, height: number, x0: number, y0: number, outW: number, outH: number): Float32Array;
