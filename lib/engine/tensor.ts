/**
 * Tensor helpers the nets share: crop pixels (float32 HWC RGB 0..255) into NCHW input planes with a net's
 * colour order and normalisation, and softmax over output logits. Each net file states its own settings.
 */

/** Colour order of the channel planes of a tensor. */
export type ChannelOrder = 'rgb' | 'bgr';

export interface PlanarOptions {
  order: ChannelOrder;
  /** Per-channel (in the output order) value subtracted from 0..255 pixels... */
  mean: readonly [number, number, number];
  /** ...then divided by this. */
  std: readonly [number, number, number];
  /** Mirror left-right (test-time augmentation). */
  flip?: boolean;
}

/** ImageNet's per-channel mean and standard deviation (RGB) on the 0..255 scale. */
export const IMAGENET_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255] as const;
export const IMAGENET_STD = [0.229 * 255, 0.224 * 255, 0.225 * 255] as const;

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

/** Numerically stable softmax. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}
