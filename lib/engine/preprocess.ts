/**
 * Preprocess stage: pure functions from RGB pixels to model input tensors (typed arrays only, no I/O).
 * Sampling is bilinear with k×k supersampling when the output is much smaller than the source region,
 * so strong downscales (a 600 px face into 112 px) do not alias. Outside the image reads as black,
 * as OpenCV's warpAffine does by default.
 */
import type { RgbImage } from './image';

/**
 * Affine map from output pixel (u, v) to source pixel (x, y): x = a·u + b·v + c, y = d·u + e·v + f.
 * Pixel centres are at integer coordinates.
 */
export type Affine = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

/**
 * The pixel loops behind warpAffine and detectorTensor. The engine runs them in C (native/jpeg-decode's
 * warp.c: the same arithmetic, bit-identical results, 4-6× faster) when the addon is built, else these
 * JavaScript ones.
 */
export interface PixelKernels {
  /** warpSampled's loop: k×k bilinear samples per output pixel through (a..f). float32 HWC. */
  warpSampled(data: Uint8Array, width: number, height: number, a: number, b: number, c: number, d: number, e: number, f: number, outW: number, outH: number, k: number): Float32Array;
  /** boxReduceRegion's loop: factor×factor means over [x0, x1) × [y0, y1), clipped to the image. uint8 HWC. */
  boxReduce(data: Uint8Array, width: number, height: number, x0: number, y0: number, x1: number, y1: number, factor: number): Uint8Array;
  /** detectorTensor's copy. float32 NCHW. */
  detectorTensor(data: Uint8Array, width: number, height: number, x0: number, y0: number, outW: number, outH: number): Float32Array;
}

/** Colour order of the channel planes of a tensor. */
export type ChannelOrder = 'rgb' | 'bgr';

/**
 * Bilinear sample at (x, y) added with `weight` into acc[0..2]; outside the image reads as black. The slow
 * path of warpAffine, for samples whose 2×2 neighbourhood leaves the image.
 */
function sampleEdgeInto(img: RgbImage, x: number, y: number, weight: number, acc: Float64Array): void {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const { data, width, height } = img;
  for (let j = 0; j < 2; j++) {
    const yy = y0 + j;
    if (yy < 0 || yy >= height) continue;
    const wy = j === 0 ? 1 - fy : fy;
    for (let i = 0; i < 2; i++) {
      const xx = x0 + i;
      if (xx < 0 || xx >= width) continue;
      const w = wy * (i === 0 ? 1 - fx : fx) * weight;
      const p = (yy * width + xx) * 3;
      acc[0]! += w * data[p]!;
      acc[1]! += w * data[p + 1]!;
      acc[2]! += w * data[p + 2]!;
    }
  }
}

/**
 * Samples an output image through an affine map, averaging up to `maxSupersample`² bilinear samples per
 * output pixel when the map shrinks the source.
 * @returns float32 HWC [outH, outW, 3], RGB, 0..255.
 */
export function warpAffine(img: RgbImage, map: Affine, outW: number, outH: number, maxSupersample = 4, kernels: PixelKernels = jsKernels): Float32Array {
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

/** The JavaScript pixel loops (the reference the C ones match bit for bit). */
export const jsKernels: PixelKernels = {
  boxReduce(src, width, height, x0, y0, x1, y1, factor) {
    const rw = Math.max(1, Math.ceil((x1 - x0) / factor));
    const rh = Math.max(1, Math.ceil((y1 - y0) / factor));
    const sums = new Float64Array(rw * 3);
    const data = new Uint8Array(rw * rh * 3);
    for (let ry = 0; ry < rh; ry++) {
      sums.fill(0);
      const ys = y0 + ry * factor;
      const ye = Math.min(ys + factor, y1);
      for (let y = ys; y < ye; y++) {
        const row = y * width * 3;
        for (let rx = 0; rx < rw; rx++) {
          const xs = x0 + rx * factor;
          const xe = Math.min(xs + factor, x1);
          let r = 0, g = 0, bl = 0;
          for (let p = row + xs * 3, end = row + xe * 3; p < end; p += 3) {
            r += src[p]!;
            g += src[p + 1]!;
            bl += src[p + 2]!;
          }
          sums[rx * 3]! += r;
          sums[rx * 3 + 1]! += g;
          sums[rx * 3 + 2]! += bl;
        }
      }
      for (let rx = 0; rx < rw; rx++) {
        const count = (Math.min(x0 + (rx + 1) * factor, x1) - (x0 + rx * factor)) * (ye - ys);
        const o = (ry * rw + rx) * 3;
        data[o] = Math.round(sums[rx * 3]! / count);
        data[o + 1] = Math.round(sums[rx * 3 + 1]! / count);
        data[o + 2] = Math.round(sums[rx * 3 + 2]! / count);
      }
    }
    return data;
  },

  warpSampled(data, width, height, a, b, c, d, e, f, outW, outH, k) {
    const img = { data, width, height };
    const out = new Float32Array(outW * outH * 3);
    const edge = new Float64Array(3);
    const norm = 1 / (k * k);
    const stride = width * 3;
    // The inner loop is written out by hand (no per-sample call, locals for the sums): about 200k bilinear
    // samples for one aligned face from a large photo.
    // Sub-sample offsets within an output pixel, and the interior test as one comparison per axis: inside,
    // x ≥ 0 so `| 0` is the floor (Math.floor and four comparisons were a third of the loop's time).
    const offsets = Float64Array.from({ length: k }, (_, s) => (s + 0.5) / k - 0.5);
    const maxX = width - 1, maxY = height - 1;
    for (let v = 0; v < outH; v++) {
      for (let u = 0; u < outW; u++) {
        let r = 0, g = 0, bl = 0;
        for (let sj = 0; sj < k; sj++) {
          const vv = v + offsets[sj]!;
          for (let si = 0; si < k; si++) {
            const uu = u + offsets[si]!;
            const x = a * uu + b * vv + c;
            const y = d * uu + e * vv + f;
            if (x >= 0 && y >= 0 && x < maxX && y < maxY) {
              const x0 = x | 0;
              const y0 = y | 0;
              const fx = x - x0;
              const fy = y - y0;
              const p = y0 * stride + x0 * 3;
              const q = p + stride;
              const w00 = (1 - fx) * (1 - fy) * norm, w10 = fx * (1 - fy) * norm, w01 = (1 - fx) * fy * norm, w11 = fx * fy * norm;
              r += w00 * data[p]! + w10 * data[p + 3]! + w01 * data[q]! + w11 * data[q + 3]!;
              g += w00 * data[p + 1]! + w10 * data[p + 4]! + w01 * data[q + 1]! + w11 * data[q + 4]!;
              bl += w00 * data[p + 2]! + w10 * data[p + 5]! + w01 * data[q + 2]! + w11 * data[q + 5]!;
            } else {
              edge.fill(0);
              sampleEdgeInto(img, x, y, norm, edge);
              r += edge[0]!;
              g += edge[1]!;
              bl += edge[2]!;
            }
          }
        }
        const o = (v * outW + u) * 3;
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = bl;
      }
    }
    return out;
  },

  detectorTensor(data, width, height, x0, y0, outW, outH) {
    const plane = outW * outH;
    const out = new Float32Array(3 * plane);
    for (let y = 0; y < outH; y++) {
      const sy = y0 + y;
      for (let x = 0; x < outW; x++) {
        const sx = x0 + x;
        const o = y * outW + x;
        if (sy < 0 || sy >= height || sx < 0 || sx >= width) continue;
        const p = (sy * width + sx) * 3;
        out[o] = (data[p]! - 127) / 128;
        out[plane + o] = (data[p + 1]! - 127) / 128;
        out[2 * plane + o] = (data[p + 2]! - 127) / 128;
      }
    }
    return out;
  },
};

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
export function detectorTensor(img: RgbImage, x0: number, y0: number, outW: number, outH: number, kernels: PixelKernels = jsKernels): Float32Array {
  return kernels.detectorTensor(img.data, img.width, img.height, x0, y0, outW, outH);
}
