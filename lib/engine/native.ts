/**
 * The engine's C addon (native/image-kernels, package cf-image-kernels, built by node-gyp at npm install):
 * JPEG decoding (decode.ts) and the pixel loops (pixel-kernels.ts PixelKernels). Optional: without it sharp
 * decodes every photo and the JavaScript loops run, with the same results. NativeAddon below is the one
 * declaration of its API.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { jsKernels, type PixelKernels } from './pixel-kernels';

/** What `decode` gives: RGB pixels, or why the caller should decode another way. */
export type NativeDecodeResult =
  | { width: number; height: number; data: Buffer }
  | { fallback: 'not_jpeg' | 'oriented' | 'colour_space' | 'too_large' | 'too_many_scans' | 'warning' | 'error'; message?: string };

/** The addon's exports: jpeg_decode.c's decode, and warp.c's and resize.c's loops (each as its PixelKernels twin). */
export interface NativeAddon extends PixelKernels {
  /**
   * Decodes a JPEG to upright 8-bit RGB (HWC, no padding) on a libuv thread with the system's libjpeg:
   * accurate integer IDCT and fancy upsampling as libvips does, EXIF orientation applied as sharp's rotate()
   * does. Anything it would not decode exactly as sharp does (an odd orientation tag, CMYK, a libjpeg
   * warning such as truncated data) comes back as a fallback, so the caller decodes with sharp instead; a
   * file with more than `maxScans` scans (default 100) is stopped by libjpeg's progress monitor as it
   * reads them (`too_many_scans`), which the caller must refuse rather than hand to sharp. Non-finite or
   * non-positive numbers throw a TypeError.
   */
  decode(bytes: Uint8Array, maxPixels: number, maxScans?: number): Promise<NativeDecodeResult>;
  /**
   * Frees a pixel buffer the addon made (a decoded photo, a pyramid level) now instead of at a garbage
   * collection: the buffer is detached (its length reads 0 from then on), and a job still reading it keeps
   * the bytes until it ends. False for any other buffer, or one already released (pixels.c).
   */
  releasePixels?(pixels: Uint8Array): boolean;
  /** Bytes of the addon's pixel buffers not yet freed (tests). */
  livePixelBytes?(): number;
}

/**
 * The addon, or null when it was not built. Resolved from the working directory, as the app, its releases
 * and the CLIs all run from a folder whose node_modules hold it, and bundlers leave this require alone.
 */
export function loadNativeAddon(): NativeAddon | null {
  try {
    return createRequire(path.join(process.cwd(), 'index.js'))('cf-image-kernels') as NativeAddon;
  } catch {
    return null;
  }
}

const addon = loadNativeAddon();

/**
 * Frees a decoded photo's or a pyramid level's pixels now, when the addon made them (else nothing: the
 * garbage collector takes them). The engine calls it as each photo is done: reported pixel memory paces
 * V8's full collections, which came every ~6 photos in a busy server when left to it (docs/engine.md).
 */
export function releasePixels(pixels: Uint8Array): void {
  addon?.releasePixels?.(pixels);
}

/** The addon's JPEG decoder; `JPEG_DECODER=sharp` rules it out (comparisons, not a setting users need). */
export const nativeJpeg: Pick<NativeAddon, 'decode'> | null = process.env.JPEG_DECODER === 'sharp' ? null : addon;

/** The loops the engine takes from the addon: all of them or none (one set of arithmetic per process). */
const KERNEL_NAMES = ['warpSampled', 'boxReduce', 'detectorTensor', 'resizeArea'] as const;

/** False for an addon built from older sources (a checkout pulled without `npm rebuild cf-image-kernels`). */
export function hasPixelKernels(candidate: Partial<NativeAddon> | null): candidate is NativeAddon {
  return candidate !== null && KERNEL_NAMES.every((name) => typeof candidate[name] === 'function');
}

/** The addon's pixel loops, else JavaScript's; `PIXEL_KERNELS=js` picks JavaScript's (comparisons). */
export const pixelKernels: PixelKernels = hasPixelKernels(addon) && process.env.PIXEL_KERNELS !== 'js' ? addon : jsKernels;

/** Which pixel loops the engine runs (benchmarks print it). */
export const pixelKernelsIn: 'C' | 'JavaScript' = pixelKernels === jsKernels ? 'JavaScript' : 'C';
