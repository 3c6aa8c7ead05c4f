/**
 * Per-face stages after detection: 68 landmarks from a square crop, then the aligned, flip-averaged,
 * L2-normalised embedding.
 */
import { ARCFACE_TEMPLATE, averageMirrored, estimateSimilarity, fivePointsFrom68, inverseMap } from './align';
import type { Point, RgbImage, ScaledImage } from './image';
import { EMBEDDER_INPUT, type EmbedderModel } from './nets/embedder';
import { LANDMARK_INPUT, type LandmarkModel } from './nets/landmarks';
import type { Detection } from './postprocess';
import { rectMap, toGrayPlanar, toPlanar, warpAffine, type Affine } from './preprocess';

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

export interface FaceLandmarks {
  /** 68 points (iBUG order) in image pixels. */
  points: Point[];
  /** The 5 alignment points, averaged over the crop and its mirror image (see averageMirrored). */
  five: Point[];
  /** Mean distance between the crop's and the mirror's 5 points over the eye distance (faceness.ts). */
  mirrorDisagreement: number;
}

/** Mirrors a single-plane float32 [n, n] tensor left-right. */
function mirrorPlane(t: Float32Array, n: number): Float32Array {
  const out = new Float32Array(t.length);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) out[y * n + x] = t[y * n + n - 1 - x]!;
  return out;
}

/** A downscaled copy to sample from, and the map from output pixels into it. */
interface Source {
  image: RgbImage;
  map: Affine;
}

/**
 * Where to sample an output through `map` (output pixel → image pixel) from: the smallest copy at half
 * size or less in which one output pixel still covers 2 or more copy pixels, else the image itself. A
 * 600 px face then reads a ~130 px region of a pyramid level (already area-averaged) instead of
 * box-reducing 360k pixels in JavaScript: ~1 ms less for each of the landmark crop and the alignment.
 */
export function samplingSource(img: RgbImage, copies: readonly ScaledImage[], map: Affine): Source {
  const stretch = Math.max(Math.hypot(map[0], map[3]), Math.hypot(map[1], map[4]));
  let best: ScaledImage | null = null;
  for (const copy of copies) {
    if (copy.scale <= 0.5 && stretch * copy.scale >= 2 && (!best || copy.scale < best.scale)) best = copy;
  }
  if (!best) return { image: img, map };
  // Pixel centres: a copy's pixel x covers image pixels around (x + 0.5) / s − 0.5 (decode.ts resizeImage).
  const sx = best.image.width / img.width;
  const sy = best.image.height / img.height;
  const [a, b, c, d, e, f] = map;
  return { image: best.image, map: [a * sx, b * sx, (c + 0.5) * sx - 0.5, d * sy, e * sy, (f + 0.5) * sy - 0.5] };
}

/**
 * 68 landmarks in image pixels, plus alignment points averaged with those found on the mirrored crop: the
 * net's errors are not mirror-symmetric, so averaging them steadies the alignment (LFW 99.42 → 99.52 %).
 * @param copies downscaled copies of `img` (the detector's pyramid levels) the crop may be read from.
 */
export async function predictLandmarks(model: LandmarkModel, img: RgbImage, det: Detection, copies: readonly ScaledImage[] = []): Promise<FaceLandmarks> {
  const crop = landmarkCrop(det, img.width, img.height);
  const source = samplingSource(img, copies, rectMap(crop.x, crop.y, crop.size, crop.size, LANDMARK_INPUT, LANDMARK_INPUT));
  const pixels = warpAffine(source.image, source.map, LANDMARK_INPUT, LANDMARK_INPUT);
  const gray = toGrayPlanar(pixels, LANDMARK_INPUT, LANDMARK_INPUT, 256);
  const mirrored = mirrorPlane(gray, LANDMARK_INPUT); // before predict, which takes ownership of `gray`
  const [out, outMirrored] = await Promise.all([model.predict(gray), model.predict(mirrored)]);
  const toImage = (o: Float32Array, mirrored: boolean): Point[] =>
    Array.from({ length: 68 }, (_, i) => ({
      x: crop.x + (mirrored ? 1 - o[2 * i]! : o[2 * i]!) * crop.size,
      y: crop.y + o[2 * i + 1]! * crop.size,
    }));
  const points = toImage(out, false);
  const five = fivePointsFrom68(points);
  const mirroredFive = fivePointsFrom68(toImage(outMirrored, true));
  return { points, five: averageMirrored(five, mirroredFive), mirrorDisagreement: mirrorDisagreement(five, mirroredFive) };
}

/**
 * Mean distance between 5 points and those found on the mirror image (mapped back, so its pairs are
 * swapped), over the eye distance: the landmark net agrees with itself on faces, not on what is not one.
 */
export function mirrorDisagreement(five: readonly Point[], mirroredFive: readonly Point[]): number {
  const swapped = [mirroredFive[1]!, mirroredFive[0]!, mirroredFive[2]!, mirroredFive[4]!, mirroredFive[3]!];
  const eyes = Math.hypot(five[0]!.x - five[1]!.x, five[0]!.y - five[1]!.y);
  const mean = five.reduce((sum, p, i) => sum + Math.hypot(p.x - swapped[i]!.x, p.y - swapped[i]!.y), 0) / five.length;
  return eyes > 0 ? mean / eyes : Number.POSITIVE_INFINITY;
}

/**
 * The aligned 112×112 face: float32 HWC [112, 112, 3], RGB, 0..255.
 * @param copies downscaled copies of `img` a big face may be sampled from (samplingSource).
 */
export function alignFace(img: RgbImage, five: readonly Point[], copies: readonly ScaledImage[] = []): Float32Array {
  const transform = estimateSimilarity(five, ARCFACE_TEMPLATE);
  const source = samplingSource(img, copies, inverseMap(transform));
  return warpAffine(source.image, source.map, EMBEDDER_INPUT, EMBEDDER_INPUT);
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

export interface FaceEmbedding {
  /** float32 [512], unit length: mean of the embeddings of the aligned face and its mirror image. */
  embedding: Float32Array;
  /** Mean length of the two raw embeddings (low for what is not a clear face; faceness.ts). */
  rawNorm: number;
  /** Cosine between the two raw embeddings. */
  flipCosine: number;
}

/** The aligned face (or its mirror image) as the embedding net's input. */
function embedderInput(aligned: Float32Array, mirrored: boolean): Float32Array {
  return toPlanar(aligned, EMBEDDER_INPUT, EMBEDDER_INPUT, mirrored ? { ...EMBED_NORM, flip: true } : EMBED_NORM);
}

/** The two raw embeddings' sum at unit length, and their agreement. */
function combine(plain: Float32Array, mirrored: Float32Array): FaceEmbedding {
  const sum = new Float32Array(plain.length);
  let dot = 0, plainSq = 0, mirroredSq = 0;
  for (let i = 0; i < sum.length; i++) {
    const a = plain[i]!, b = mirrored[i]!;
    sum[i] = a + b;
    dot += a * b;
    plainSq += a * a;
    mirroredSq += b * b;
  }
  const norms = Math.sqrt(plainSq) * Math.sqrt(mirroredSq);
  return {
    embedding: l2Normalize(sum),
    rawNorm: (Math.sqrt(plainSq) + Math.sqrt(mirroredSq)) / 2,
    flipCosine: norms > 0 ? dot / norms : 0,
  };
}

/** The flip-averaged embedding of an aligned face, with the two runs' agreement (faceness signs). */
export async function embedFace(model: EmbedderModel, aligned: Float32Array): Promise<FaceEmbedding> {
  const [plain, mirrored] = await Promise.all([model.predict(embedderInput(aligned, false)), model.predict(embedderInput(aligned, true))]);
  return combine(plain, mirrored);
}

export interface OnDemandEmbedding {
  /** float32 [512], unit length: the embedding of the aligned face alone. */
  embedding: Float32Array;
  /** Runs the mirror image on first call: resolves to exactly what embedFace gives for this face. */
  withMirror: () => Promise<FaceEmbedding>;
  /** withMirror's flip-averaged embedding. */
  flipAveraged: () => Promise<Float32Array>;
}

/**
 * The face's own embedding now, the flip-averaged one only when asked: one net run instead of two for the
 * many faces whose match the mirror image cannot change (lib/gallery matchFace).
 */
export async function embedFaceOnDemand(model: EmbedderModel, aligned: Float32Array): Promise<OnDemandEmbedding> {
  const plain = await model.predict(embedderInput(aligned, false));
  let both: Promise<FaceEmbedding> | undefined;
  const withMirror = () => (both ??= model.predict(embedderInput(aligned, true)).then((mirrored) => combine(plain, mirrored)));
  return {
    embedding: l2Normalize(plain.slice()),
    withMirror,
    flipAveraged: () => withMirror().then((combined) => combined.embedding),
  };
}
