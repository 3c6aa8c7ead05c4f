/**
 * The engine's pixel loops, in JavaScript: the reference that the C loops of native/image-kernels match bit
 * for bit (kernels.test.ts), and what runs when the addon is not built. native.ts picks one set.
 */
import type { RgbImage } from './image';

/**
 * The pixel loops behind warpAffine, detectorTensor and the pyramid's levels. The engine runs them in C
 * (native/image-kernels/warp.c and resize.c: the same arithmetic, bit-identical results, 2-6× faster) when
 * the addon is built, else these JavaScript ones.
 */
export interface PixelKernels {
  /** warpSampled's loop: k×k bilinear samples per output pixel through (a..f). float32 HWC. */
  warpSampled(data: Uint8Array, width: number, height: number, a: number, b: number, c: number, d: number, e: number, f: number, outW: number, outH: number, k: number): Float32Array;
  /** boxReduceRegion's loop: factor×factor means over [x0, x1) × [y0, y1), clipped to the image. uint8 HWC. */
  boxReduce(data: Uint8Array, width: number, height: number, x0: number, y0: number, x1: number, y1: number, factor: number): Uint8Array;
  /** detectorTensor's copy. float32 NCHW. */
  detectorTensor(data: Uint8Array, width: number, height: number, x0: number, y0: number, outW: number, outH: number): Float32Array;
  /**
   * Area-average downscale (outW ≤ width, outH ≤ height): each output pixel the mean of the source area it
   * covers, edge pixels weighted by coverage, in float32 arithmetic. uint8 HWC [outH, outW, 3], rounded.
   */
  resizeArea(data: Uint8Array, width: number, height: number, outW: number, outH: number): Promise<Uint8Array>;
}

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

/** One axis of an area resize: output o reads source start[o] .. start[o] + count[o] − 1 with weights[offset[o] + k]. */
interface AreaTaps {
  start: Int32Array;
  count: Int32Array;
  offset: Int32Array;
  weights: Float32Array;
}

/** resize.c make_taps: each source pixel's coverage of output pixel o's span [o·s, (o+1)·s), over the span. */
function areaTaps(size: number, out: number): AreaTaps {
  const s = size / out;
  const maxTaps = Math.ceil(s) + 1;
  const taps = { start: new Int32Array(out), count: new Int32Array(out), offset: new Int32Array(out), weights: new Float32Array(out * maxTaps) };
  let used = 0;
  for (let o = 0; o < out; o++) {
    const lo = o * s, hi = o === out - 1 ? size : (o + 1) * s;
    const first = Math.floor(lo);
    const last = Math.min(Math.ceil(hi) - 1, size - 1);
    taps.start[o] = first;
    taps.offset[o] = used;
    let n = 0;
    for (let i = first; i <= last && n < maxTaps; i++) {
      const cover = Math.min(i + 1, hi) - Math.max(i, lo);
      if (cover <= 0) continue;
      if (n === 0) taps.start[o] = i;
      taps.weights[used + n++] = cover / (hi - lo);
    }
    taps.count[o] = n;
    used += n;
  }
  return taps;
}

/** float32 to uint8 as resize.c does: +0.5 already added, truncated, clamped. */
function toByte(v: number): number {
  return v >= 255 ? 255 : v <= 0 ? 0 : Math.trunc(v);
}

/**
 * Refuses a non-finite number (NaN, ±Infinity) at the kernels' boundary with the TypeError the C addon
 * throws for it: neither set of loops ever computes with one (a NaN coordinate made an index far outside
 * the image in C). Checks only; the arithmetic below is unchanged, so the two sets stay bit-identical.
 */
export function assertFinite(name: string, values: readonly number[]): void {
  for (const value of values) {
    if (!Number.isFinite(value)) throw new TypeError(`${name}: every number must be finite (got ${value})`);
  }
}

/** The JavaScript pixel loops (the reference the C ones match bit for bit). */
export const jsKernels: PixelKernels = {
  async resizeArea(src, width, height, outW, outH) {
    assertFinite('resizeArea', [width, height, outW, outH]);
    const f = Math.fround;
    const x = areaTaps(width, outW), y = areaTaps(height, outH);
    const span = width * 3;
    const acc = new Float32Array(span);
    const out = new Uint8Array(outW * outH * 3);
    // Vertical first, then horizontal, each sum in float32 in resize.c's order. A product or sum of two
    // float32s computed in double and then rounded to float32 is the float32 result, so a store into `acc`
    // (which rounds) stands in for one Math.fround: 1.7× faster than rounding every step by hand.
    for (let oy = 0; oy < outH; oy++) {
      const first = y.start[oy]! * span, offset = y.offset[oy]!;
      const w0 = y.weights[offset]!;
      const top = src.subarray(first, first + span);
      for (let i = 0; i < span; i++) acc[i] = w0 * top[i]!;
      for (let k = 1; k < y.count[oy]!; k++) {
        const weight = y.weights[offset + k]!;
        const line = src.subarray(first + k * span, first + (k + 1) * span);
        for (let i = 0; i < span; i++) acc[i]! += f(weight * line[i]!);
      }
      for (let o = 0; o < outW; o++) {
        let p = x.start[o]! * 3;
        let r = 0.5, g = 0.5, b = 0.5;
        for (let k = 0, w = x.offset[o]!; k < x.count[o]!; k++, w++, p += 3) {
          const weight = x.weights[w]!;
          r = f(r + f(weight * acc[p]!));
          g = f(g + f(weight * acc[p + 1]!));
          b = f(b + f(weight * acc[p + 2]!));
        }
        const q = (oy * outW + o) * 3;
        out[q] = toByte(r);
        out[q + 1] = toByte(g);
        out[q + 2] = toByte(b);
      }
    }
    return out;
  },

  boxReduce(src, width, height, x0, y0, x1, y1, factor) {
    assertFinite('boxReduce', [width, height, x0, y0, x1, y1, factor]);
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
    assertFinite('warpSampled', [width, height, a, b, c, d, e, f, outW, outH, k]);
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
    assertFinite('detectorTensor', [width, height, x0, y0, outW, outH]);
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
