/**
 * Image quality of a face crop as Rekognition reports it: Brightness and Sharpness, 0..100. Not a net: the
 * attribute stage measures the box's own 64 px crop.
 */
import type { ImageQuality } from '../contract/rekognition';
import type { Detection, RgbImage } from './image';
import { boxCrop } from './resample';

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

/** Side of the square crop quality is measured on: the box alone, scaled. */
const QUALITY_CROP = 64;

/** Quality of the face in box `det`, measured on its QUALITY_CROP px crop. */
export function faceQuality(img: RgbImage, det: Detection): ImageQuality {
  return imageQuality(boxCrop(img, det, 1, QUALITY_CROP), QUALITY_CROP, QUALITY_CROP);
}
