/**
 * Preprocess stage: pure functions from RGB pixels to model input tensors (typed arrays only, no I/O).
 * Sampling is bilinear with k×k supersampling when the output is much smaller than the source region,
 * so strong downscales (a 600 px face into 112 px) do not alias. Outside the image reads as black,
 * as OpenCV's warpAffine does by default. The pixel loops are native.ts's choice (C when the addon is built,
 * else JavaScript, the same results); tests may pass a set explicitly.
 */
import type { RgbImage } from './image';
import { pixelKernels } from './native';
import type { PixelKernels } from './pixel-kernels';

/**
 * Affine map from output pixel (u, v) to source pixel (x, y): x = a·u + b·v + c, y = d·u + e·v + f.
 * Pixel centres are at integer coordinates.
 */
export type Affine = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

/** Colour order of the channel planes of a tensor. */
export type ChannelOrder = 'rgb' | 'bgr';

/**
 * Samples an output image through an affine map, averaging up to `maxSupersample`² bilinear samples per
 * output pixel when the map shrinks the source.
 * @returns float32 HWC [outH, outW, 3], RGB, 0..255.
 */
export function warpAffine(img: RgbImage, map: Affine, outW: number, outH: number, maxSupersample = 4, kernels: PixelKernels = pixelKernels): Float32Array {
  // Source pixels covered by one output pixel, per axis.
  const stretch = Math.max(Math.hypot(map[0], map[3]), Math.hypot(map[1], map[4]));
  const factor = Math.floor(stretch);
  if (factor >= 2) {
    // Strong shrink: box-reduce the covered region by `factor` first, then sample the reduced image
    // bilinearly (stretch now below 2; the box already removed what would alias). An area filter like the
    // supersampled path at a small fraction of its samples: 200k bilinear samples were 5 ms for one face.
    const reduced = boxReduceRegion(img, map, outW, outH, factor, kernels);
    return warpSampled(reduced.image, reduced.map, outW, outH, 1, kernels);
  }
  return warpSampled(img, map, outW, outH, maxSupersample, kernels);
}

/** The source pixels' region an output of outW × outH covers through `map`, padded by `pad`, clipped to the image. */
function coveredRegion(img: RgbImage, map: Affine, outW: number, outH: number, pad: number): { x0: number; y0: number; x1: number; y1: number } {
  const [a, b, c, d, e, f] = map;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const u of [-0.5, outW - 0.5]) {
    for (const v of [-0.5, outH - 0.5]) {
      const x = a * u + b * v + c;
      const y = d * u + e * v + f;
      minX = Math.min(minX, x); maxX = Math.max(maxX, x);
      minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
  }
  return {
    x0: Math.max(0, Math.floor(minX) - pad),
    y0: Math.max(0, Math.floor(minY) - pad),
    x1: Math.min(img.width, Math.ceil(maxX) + pad + 1),
    y1: Math.min(img.height, Math.ceil(maxY) + pad + 1),
  };
}

/**
 * Averages factor × factor blocks of the region `map` reads from (blocks cut by the image edge average
 * what is inside), and returns that small image with the map rewritten into its pixel coordinates.
 */
function boxReduceRegion(img: RgbImage, map: Affine, outW: number, outH: number, factor: number, kernels: PixelKernels): { image: RgbImage; map: Affine } {
  const region = coveredRegion(img, map, outW, outH, 2 * factor);
  const rw = Math.max(1, Math.ceil((region.x1 - region.x0) / factor));
  const rh = Math.max(1, Math.ceil((region.y1 - region.y0) / factor));
  const data = kernels.boxReduce(img.data, img.width, img.height, region.x0, region.y0, region.x1, region.y1, factor);
  // A reduced pixel's centre sits at source x0 + factor·xr + (factor − 1) / 2.
  const [a, b, c, d, e, f] = map;
  const shiftX = region.x0 + (factor - 1) / 2;
  const shiftY = region.y0 + (factor - 1) / 2;
  return {
    image: { data, width: rw, height: rh },
    map: [a / factor, b / factor, (c - shiftX) / factor, d / factor, e / factor, (f - shiftY) / factor],
  };
}

/** warpAffine without the pre-reduction: up to maxSupersample² bilinear samples per output pixel. */
function warpSampled(img: RgbImage, map: Affine, outW: number, outH: number, maxSupersample: number, kernels: PixelKernels): Float32Array {
  const [a, b, c, d, e, f] = map;
  const stretch = Math.max(Math.hypot(a, d), Math.hypot(b, e));
  const k = Math.min(maxSupersample, Math.max(1, Math.ceil(stretch)));
  return kernels.warpSampled(img.data, img.width, img.height, a, b, c, d, e, f, outW, outH, k);
}

/** The affine map that samples the axis-aligned source rectangle (x, y, w, h) into an outW×outH output. */
export function rectMap(x: number, y: number, w: number, h: number, outW: number, outH: number): Affine {
  const sx = w / outW;
  const sy = h / outH;
  return [sx, 0, x + 0.5 * sx - 0.5, 0, sy, y + 0.5 * sy - 0.5];
}

export interface PlanarOptions {
  order: ChannelOrder;
  /** Per-channel (in the output order) value subtracted from 0..255 pixels... */
  mean: readonly [number, number, number];
  /** ...then divided by this. */
  std: readonly [number, number, number];
  /** Mirror left-right (test-time augmentation). */
  flip?: boolean;
}

/**
 * HWC RGB 0..255 floats → float32 NCHW [1, 3, h, w] in the requested colour order, (v − mean) / std.
 */
export function toPlanar(hwc: Float32Array, w: number, h: number, opts: PlanarOptions): Float32Array {
  const plane = w * h;
  const out = new Float32Array(3 * plane);
  const src = opts.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  for (let ch = 0; ch < 3; ch++) {
    const s = src[ch]!;
    const mean = opts.mean[ch]!;
    const inv = 1 / opts.std[ch]!;
    const base = ch * plane;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const sxp = opts.flip ? w - 1 - x : x;
        out[base + y * w + x] = (hwc[(y * w + sxp) * 3 + s]! - mean) * inv;
      }
    }
  }
  return out;
}

/** HWC RGB 0..255 floats → float32 NCHW [1, 1, h, w] luma (BT.601) / scale. */
export function toGrayPlanar(hwc: Float32Array, w: number, h: number, scale: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    out[i] = (0.299 * hwc[i * 3]! + 0.587 * hwc[i * 3 + 1]! + 0.114 * hwc[i * 3 + 2]!) / scale;
  }
  return out;
}

/**
 * Copies a window of an image into the detector's input, padding outside the image with the neutral value.
 * @returns float32 NCHW [1, 3, outH, outW], RGB, (v − 127) / 128 (the vendor's normalisation, about −1..1).
 */
export function detectorTensor(img: RgbImage, x0: number, y0: number, outW: number, outH: number, kernels: PixelKernels = pixelKernels): Float32Array {
  return kernels.detectorTensor(img.data, img.width, img.height, x0, y0, outW, outH);
}
