/**
 * Postprocess: landmark geometry and the 5-point similarity alignment to the ArcFace 112×112 template.
 * Pure functions on plain numbers.
 */
import type { Point } from './image';
import type { Affine } from './preprocess';

/**
 * The standard ArcFace (insightface) 112×112 template: left eye, right eye, nose tip, left and right mouth
 * corner, as seen in the image (the subject's right eye is the image-left one).
 */
export const ARCFACE_TEMPLATE: readonly Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

/** Similarity transform dst = s·R·src + t written as x' = a·x − b·y + tx, y' = b·x + a·y + ty. */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/**
 * Least-squares similarity (rotation, uniform scale, translation; no reflection) mapping src onto dst,
 * as skimage's SimilarityTransform.estimate / Umeyama: in complex numbers q = c·p + t.
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Similarity {
  if (src.length !== dst.length || src.length < 2) throw new Error('estimateSimilarity needs ≥ 2 point pairs');
  const n = src.length;
  let mx = 0, my = 0, nx = 0, ny = 0;
  for (let i = 0; i < n; i++) {
    mx += src[i]!.x; my += src[i]!.y; nx += dst[i]!.x; ny += dst[i]!.y;
  }
  mx /= n; my /= n; nx /= n; ny /= n;
  let re = 0, im = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const px = src[i]!.x - mx, py = src[i]!.y - my;
    const qx = dst[i]!.x - nx, qy = dst[i]!.y - ny;
    // conj(p) · q
    re += px * qx + py * qy;
    im += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm === 0) throw new Error('estimateSimilarity: source points coincide');
  const a = re / norm;
  const b = im / norm;
  return { a, b, tx: nx - (a * mx - b * my), ty: ny - (b * mx + a * my) };
}

/** Applies a similarity to a point. */
export function applySimilarity(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

/** The sampling map (output pixel → source pixel) of the inverse of `t`. */
export function inverseMap(t: Similarity): Affine {
  const d = t.a * t.a + t.b * t.b;
  const ia = t.a / d;
  const ib = -t.b / d;
  // inverse: p = (q − t) / c
  return [ia, -ib, -(ia * t.tx - ib * t.ty), ib, ia, -(ib * t.tx + ia * t.ty)];
}

function mean(points: readonly Point[], idx: readonly number[]): Point {
  let x = 0, y = 0;
  for (const i of idx) {
    x += points[i]!.x;
    y += points[i]!.y;
  }
  return { x: x / idx.length, y: y / idx.length };
}

/**
 * The 5 alignment points from the 68-point (iBUG/dlib) layout: eye centres (the 4 lid points, as the vendor
 * does), nose tip (30), mouth corners (outer 48/54 averaged with inner 60/64).
 */
export function fivePointsFrom68(points: readonly Point[]): Point[] {
  if (points.length !== 68) throw new Error(`expected 68 landmarks, got ${points.length}`);
  return [
    mean(points, [37, 38, 40, 41]),
    mean(points, [43, 44, 46, 47]),
    points[30]!,
    mean(points, [48, 60]),
    mean(points, [54, 64]),
  ];
}

/**
 * Averages 5 alignment points with those found on the mirror image (already mapped back to image
 * coordinates, so its "left eye" is the image-right eye): swaps the eye and mouth pairs, then averages.
 */
export function averageMirrored(five: readonly Point[], mirroredFive: readonly Point[]): Point[] {
  const m = [mirroredFive[1]!, mirroredFive[0]!, mirroredFive[2]!, mirroredFive[4]!, mirroredFive[3]!];
  return five.map((p, i) => ({ x: (p.x + m[i]!.x) / 2, y: (p.y + m[i]!.y) / 2 }));
}
