/**
 * Similarity transforms (rotation, uniform scale, translation) between point sets: the embedder aligns a
 * face's 5 landmarks to its template with these. Pure functions on plain numbers.
 */
import type { Point } from './image';
import type { Affine } from './resample';

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
