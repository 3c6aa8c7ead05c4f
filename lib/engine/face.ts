/**
 * Per-face stages after detection: 68 landmarks from a square crop, then the aligned, flip-averaged,
 * L2-normalised embedding.
 */
import { ARCFACE_TEMPLATE, estimateSimilarity, fivePointsFrom68, inverseMap } from './align';
import type { Point, RgbImage } from './image';
import { EMBEDDER_INPUT, type EmbedderModel } from './nets/embedder';
import { LANDMARK_INPUT, type LandmarkModel } from './nets/landmarks';
import type { Detection } from './postprocess';
import { rectMap, toGrayPlanar, toPlanar, warpAffine } from './preprocess';

export interface SquareCrop {
  x: number;
  y: number;
  size: number;
}

/**
 * The vendor's landmark crop: a square as tall as the box, centred on it, shifted to stay inside the image
 * when it fits.
 */
export function landmarkCrop(det: Detection, imgW: number, imgH: number): SquareCrop {
  const size = det.y2 - det.y1;
  let x = (det.x1 + det.x2) / 2 - size / 2;
  let y = (det.y1 + det.y2) / 2 - size / 2;
  if (size <= imgW) x = Math.min(Math.max(x, 0), imgW - size);
  if (size <= imgH) y = Math.min(Math.max(y, 0), imgH - size);
  return { x, y, size };
}

/** 68 landmarks in image pixels. */
export async function predictLandmarks(model: LandmarkModel, img: RgbImage, det: Detection): Promise<Point[]> {
  const crop = landmarkCrop(det, img.width, img.height);
  const pixels = warpAffine(img, rectMap(crop.x, crop.y, crop.size, crop.size, LANDMARK_INPUT, LANDMARK_INPUT), LANDMARK_INPUT, LANDMARK_INPUT);
  const out = await model.predict(toGrayPlanar(pixels, LANDMARK_INPUT, LANDMARK_INPUT, 256));
  const points: Point[] = [];
  for (let i = 0; i < 68; i++) points.push({ x: crop.x + out[2 * i]! * crop.size, y: crop.y + out[2 * i + 1]! * crop.size });
  return points;
}

/** The aligned 112×112 face: float32 HWC [112, 112, 3], RGB, 0..255. */
export function alignFace(img: RgbImage, landmarks: readonly Point[]): Float32Array {
  const transform = estimateSimilarity(fivePointsFrom68(landmarks), ARCFACE_TEMPLATE);
  return warpAffine(img, inverseMap(transform), EMBEDDER_INPUT, EMBEDDER_INPUT);
}

/** Scales a vector to unit length in place. */
export function l2Normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return v;
}

const EMBED_NORM = { order: 'bgr', mean: [127, 127, 127], std: [128, 128, 128] } as const;

/** float32 [512], unit length: mean of the embeddings of the aligned face and its mirror image. */
export async function embedFace(model: EmbedderModel, aligned: Float32Array): Promise<Float32Array> {
  const [plain, mirrored] = await Promise.all([
    model.predict(toPlanar(aligned, EMBEDDER_INPUT, EMBEDDER_INPUT, EMBED_NORM)),
    model.predict(toPlanar(aligned, EMBEDDER_INPUT, EMBEDDER_INPUT, { ...EMBED_NORM, flip: true })),
  ]);
  const sum = new Float32Array(plain.length);
  for (let i = 0; i < sum.length; i++) sum[i] = plain[i]! + mirrored[i]!;
  return l2Normalize(sum);
}
