/**
 * Resampling shared by the nets' crops and the detector's pyramid: affine warps, box crops, the choice of a
 * downscaled copy to read from, and resizing. Sampling is bilinear with k×k supersampling when the output is
 * much smaller than the source region, so strong downscales (a 600 px face into 112 px) do not alias.
 * Outside the image reads as black, as OpenCV's warpAffine does by default. The pixel loops are native.ts's
 * choice (C when the addon is built, else JavaScript, the same results); tests may pass a set explicitly.
 */
import sharp from 'sharp';
import type { Detection, RgbImage, ScaledImage } from './image';
import { pixelKernels } from './native';
import type { PixelKernels } from './pixel-kernels';

/**
 * Affine map from output pixel (u, v) to source pixel (x, y): x = a·u + b·v + c, y = d·u + e·v + f.
 * Pixel centres are at integer coordinates.
 */
export type Affine = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

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

/**
 * The box scaled by `factor` about its centre, clipped to the image, as a size × size crop: the attribute
 * nets' input region. @returns float32 HWC [size, size, 3], RGB, 0..255.
 */
export function boxCrop(img: RgbImage, det: Detection, factor: number, size: number): Float32Array {
  const w = (det.x2 - det.x1) * factor;
  const h = (det.y2 - det.y1) * factor;
  const x1 = Math.max(0, (det.x1 + det.x2) / 2 - w / 2);
  const y1 = Math.max(0, (det.y1 + det.y2) / 2 - h / 2);
  const x2 = Math.min(img.width, (det.x1 + det.x2) / 2 + w / 2);
  const y2 = Math.min(img.height, (det.y1 + det.y2) / 2 + h / 2);
  // 2×2 supersampling is plenty for these coarse nets and keeps a 224 px crop cheap in plain JS.
  return warpAffine(img, rectMap(x1, y1, Math.max(1, x2 - x1), Math.max(1, y2 - y1), size, size), size, size, 2);
}

/** A downscaled copy to sample from, and the map from output pixels into it. */
export interface SamplingSource {
  image: RgbImage;
  map: Affine;
}

/**
 * Where to sample an output through `map` (output pixel → image pixel) from: the smallest copy at half
 * size or less in which one output pixel still covers 2 or more copy pixels, else the image itself. A
 * 600 px face then reads a ~130 px region of a pyramid level (already area-averaged) instead of
 * box-reducing 360k pixels in JavaScript: ~1 ms less for each of the landmark crop and the alignment.
 */
export function samplingSource(img: RgbImage, copies: readonly ScaledImage[], map: Affine): SamplingSource {
  const stretch = Math.max(Math.hypot(map[0], map[3]), Math.hypot(map[1], map[4]));
  let best: ScaledImage | null = null;
  for (const copy of copies) {
    if (copy.scale <= 0.5 && stretch * copy.scale >= 2 && (!best || copy.scale < best.scale)) best = copy;
  }
  if (!best) return { image: img, map };
  // Pixel centres: a copy's pixel x covers image pixels around (x + 0.5) / s − 0.5 (resizeImage below).
  const sx = best.image.width / img.width;
  const sy = best.image.height / img.height;
  const [a, b, c, d, e, f] = map;
  return { image: best.image, map: [a * sx, b * sx, (c + 0.5) * sx - 0.5, d * sy, e * sy, (f + 0.5) * sy - 0.5] };
}

/**
 * Resizes an RGB image for the detector's pyramid levels. Shrinking is an area average (pixelKernels
 * resizeArea: no aliasing however strong the shrink, and in C about half of sharp's time, most of which was
 * its fixed ~0.7 ms a call); enlarging, for photos under 320 × 240, is sharp's linear interpolation.
 * @returns uint8 HWC [height, width, 3], RGB, 0..255.
 */
export async function resizeImage(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (width <= image.width && height <= image.height) {
    return { data: await pixelKernels.resizeArea(image.data, image.width, image.height, width, height), width, height };
  }
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}
