/**
 * The engine's C addon (native/jpeg-decode, built by node-gyp at npm install): JPEG decoding (decode.ts)
 * and the pixel loops (pixel-kernels.ts PixelKernels). Optional: without it sharp decodes every photo and
 * the JavaScript loops run, with the same results.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { jsKernels, type PixelKernels } from './pixel-kernels';

/** native/jpeg-decode's API (its index.d.ts). */
export interface NativeAddon extends PixelKernels {
  decode(bytes: Uint8Array, maxPixels: number): Promise<{ width: number; height: number; data: Buffer } | { fallback: string; message?: string }>;
}

/**
 * The addon, or null when it was not built. Resolved from the working directory, as the app, its releases
 * and the CLIs all run from a folder whose node_modules hold it, and bundlers leave this require alone.
 */
export function loadNativeAddon(): NativeAddon | null {
  try {
    return createRequire(path.join(process.cwd(), 'index.js'))('cf-jpeg-decode') as NativeAddon;
  } catch {
    return null;
  }
}

const addon = loadNativeAddon();

/** The addon's JPEG decoder; `JPEG_DECODER=sharp` rules it out (comparisons, not a setting users need). */
export const nativeJpeg: Pick<NativeAddon, 'decode'> | null = process.env.JPEG_DECODER === 'sharp' ? null : addon;

/** The loops the engine takes from the addon: all of them or none (one set of arithmetic per process). */
const KERNEL_NAMES = ['warpSampled', 'boxReduce', 'detectorTensor', 'resizeArea'] as const;

/** False for an addon built from older sources (a checkout pulled without `npm rebuild cf-jpeg-decode`). */
export function hasPixelKernels(candidate: Partial<NativeAddon> | null): candidate is NativeAddon {
  return candidate !== null && KERNEL_NAMES.every((name) => typeof candidate[name] === 'function');
}

/** The addon's pixel loops, else JavaScript's; `PIXEL_KERNELS=js` picks JavaScript's (comparisons). */
export const pixelKernels: PixelKernels = hasPixelKernels(addon) && process.env.PIXEL_KERNELS !== 'js' ? addon : jsKernels;

/** Which pixel loops the engine runs (benchmarks print it). */
export const pixelKernelsIn: 'C' | 'JavaScript' = pixelKernels === jsKernels ? 'JavaScript' : 'C';
