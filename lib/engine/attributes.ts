/**
 * Postprocess for the attribute nets (pure): softmax, Hopenet angle decoding, SSR-Net merging, expression →
 * Rekognition Emotions/Smile, and image quality of the face crop.
 */
import type { Emotion, EmotionType, ImageQuality, Pose } from '../contract/rekognition';

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

/** Hopenet: expectation over 66 bins of 3°, centred so bin 33 is 0°. */
export function binsToDegrees(logits: ArrayLike<number>): number {
  const p = softmax(logits);
  let e = 0;
  for (let i = 0; i < p.length; i++) e += p[i]! * i;
  return e * 3 - 99;
}

/** Rekognition Pose from the pose net's three heads. */
export function toPose(yaw: ArrayLike<number>, pitch: ArrayLike<number>, roll: ArrayLike<number>): Pose {
  return { Yaw: binsToDegrees(yaw), Pitch: binsToDegrees(pitch), Roll: binsToDegrees(roll) };
}

/**
 * SSR-Net's soft stagewise regression (as the vendor merges it; stages of 3 bins, λ_local = λ_d = 1).
 * @param x float32 [21]: prob_stage_1..3 (9), delta_k 1..3 (3), index_offset 1..3 (9).
 * @param range output scale V (101 years for age, 1 for gender).
 */
export function mergeSsr(x: ArrayLike<number>, range: number): number {
  const s = 3;
  let a = 0, b = 0, c = 0;
  for (let i = 0; i < s; i++) {
    a += (i + x[12 + i]!) * x[i]!;
    b += (i + x[15 + i]!) * x[3 + i]!;
    c += (i + x[18 + i]!) * x[6 + i]!;
  }
  const d1 = s * (1 + x[9]!), d2 = s * (1 + x[10]!), d3 = s * (1 + x[11]!);
  return (a / d1 + b / d1 / d2 + c / d1 / d2 / d3) * range;
}

/** FER-2013 class order of fr_expression → Rekognition emotion types. */
const EXPRESSION_TYPES: readonly EmotionType[] = ['ANGRY', 'DISGUSTED', 'FEAR', 'HAPPY', 'SAD', 'SURPRISED', 'CALM'];

/** Emotions (most likely first, 0..100) and Smile (HAPPY probability above one half) from expression logits. */
export function toEmotions(logits: ArrayLike<number>): { emotions: Emotion[]; smile: { Value: boolean; Confidence: number } } {
  const p = softmax(logits);
  if (p.length !== EXPRESSION_TYPES.length) throw new Error(`expression net: expected 7 classes, got ${p.length}`);
  const emotions = EXPRESSION_TYPES.map((Type, i) => ({ Type, Confidence: p[i]! * 100 })).sort((x, y) => y.Confidence - x.Confidence);
  const happy = p[3]!;
  return { emotions, smile: { Value: happy >= 0.5, Confidence: Math.max(happy, 1 - happy) * 100 } };
}

/** Laplacian variance at which Sharpness reads 50 (a soft knee: in-focus 64 px face crops score ~60-95). */
const SHARPNESS_HALF = 150;

/**
 * Brightness (mean luma, 0..100) and Sharpness (variance of the 4-neighbour Laplacian of luma mapped to
 * 0..100 by v / (v + SHARPNESS_HALF)) of a face crop.
 * @param hwc float32 HWC [h, w, 3], RGB, 0..255.
 */
export function imageQuality(hwc: Float32Array, w: number, h: number): ImageQuality {
  const luma = new Float32Array(w * h);
  let sum = 0;
  for (let i = 0; i < w * h; i++) sum += luma[i] = 0.299 * hwc[3 * i]! + 0.587 * hwc[3 * i + 1]! + 0.114 * hwc[3 * i + 2]!;
  let s = 0, s2 = 0, n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const lap = luma[i - 1]! + luma[i + 1]! + luma[i - w]! + luma[i + w]! - 4 * luma[i]!;
      s += lap;
      s2 += lap * lap;
      n++;
    }
  }
  const variance = n > 0 ? s2 / n - (s / n) ** 2 : 0;
  return { Brightness: (sum / (w * h) / 255) * 100, Sharpness: (100 * variance) / (variance + SHARPNESS_HALF) };
}
