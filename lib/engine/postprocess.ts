/**
 * Postprocess stage for the detector: box decoding into image pixels, NMS and merging of tile results.
 * Pure functions on typed arrays and plain objects.
 */
import { decodeAnchorBox } from './detector-anchors';

/** A detection in pixels of the full (auto-oriented) image: corners x1,y1 (top-left) and x2,y2. */
export interface Detection {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Detector face probability, 0..1. */
  score: number;
  /** True when the box touches a tile edge that is not an image edge: the face may be cut off there. */
  cut: boolean;
  /** Pyramid level it was found at, as level pixels per image pixel (smaller = coarser). */
  scale: number;
}

/** Where a detector input window sits: window pixel (u, v) is image pixel ((u + x0) / scale, (v + y0) / scale). */
export interface Window {
  /** Window origin in pixels of the pyramid level. */
  x0: number;
  y0: number;
  /** Level pixels per image pixel. */
  scale: number;
  /** Detector input size (the window's). */
  width: number;
  height: number;
  /** Size of the pyramid level, to tell tile edges from image edges. */
  levelWidth: number;
  levelHeight: number;
}

/** Minimum distance (window pixels) from an inner tile edge for a box to count as whole. */
const EDGE_MARGIN = 2;

/**
 * Decodes the detector's outputs for one window into image-pixel detections above `threshold`.
 * @param scores float32 [N, 2] (background, face) probabilities.
 * @param locations float32 [N, 4] raw offsets against `anchors` (detector-anchors.ts).
 * @param anchors float32 [N, 4] the window size's anchors.
 */
export function decodeDetections(scores: Float32Array, locations: Float32Array, anchors: Float32Array, win: Window, threshold: number): Detection[] {
  const n = scores.length / 2;
  const out: Detection[] = [];
  for (let i = 0; i < n; i++) {
    const score = scores[2 * i + 1]!;
    if (score < threshold) continue;
    const [r1, s1, r2, s2] = decodeAnchorBox(locations, anchors, i);
    const u1 = r1 * win.width, v1 = s1 * win.height;
    const u2 = r2 * win.width, v2 = s2 * win.height;
    if (u2 <= u1 || v2 <= v1) continue;
    const cut =
      (u1 < EDGE_MARGIN && win.x0 > 0) ||
      (v1 < EDGE_MARGIN && win.y0 > 0) ||
      (u2 > win.width - EDGE_MARGIN && win.x0 + win.width < win.levelWidth) ||
      (v2 > win.height - EDGE_MARGIN && win.y0 + win.height < win.levelHeight);
    out.push({
      x1: (u1 + win.x0) / win.scale,
      y1: (v1 + win.y0) / win.scale,
      x2: (u2 + win.x0) / win.scale,
      y2: (v2 + win.y0) / win.scale,
      score,
      cut,
      scale: win.scale,
    });
  }
  return out;
}

function area(d: Detection): number {
  return Math.max(0, d.x2 - d.x1) * Math.max(0, d.y2 - d.y1);
}

function intersection(a: Detection, b: Detection): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union of two boxes, 0..1. */
export function iou(a: Detection, b: Detection): number {
  const inter = intersection(a, b);
  return inter === 0 ? 0 : inter / (area(a) + area(b) - inter);
}

/** Scores in 1/100 bands: a face's boxes from two levels both score ~1.000, and tell nothing apart there. */
function scoreBand(d: Detection): number {
  return Math.floor(d.score * 100);
}

/**
 * Greedy non-maximum suppression: keeps the best-scoring box and drops every box overlapping a kept one by
 * IoU ≥ `iouThreshold`, or lying mostly (≥ `containThreshold` of its own area) inside a kept one.
 */
export function nms(dets: readonly Detection[], iouThreshold: number, containThreshold = 1.01): Detection[] {
  const sorted = [...dets].sort((p, q) => scoreBand(q) - scoreBand(p) || p.scale - q.scale || q.score - p.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    const suppressed = kept.some((k) => {
      const inter = intersection(d, k);
      if (inter === 0) return false;
      return inter / (area(d) + area(k) - inter) >= iouThreshold || inter / area(d) >= containThreshold;
    });
    if (!suppressed) kept.push(d);
  }
  return kept;
}

/** A box lying this much (of its own area) inside a better one is the same face: a partial box of a big face. */
export const CONTAINED_SHARE = 0.7;

/**
 * Merges detections from all pyramid levels and tiles: boxes cut by an inner tile edge are dropped when a
 * whole box of the same face exists (tiles overlap, so one does), then NMS, then largest first.
 */
export function mergeTileDetections(dets: readonly Detection[], iouThreshold: number, maxFaces: number): Detection[] {
  const whole = dets.filter((d) => !d.cut);
  const cutKept = dets.filter((d) => d.cut && !whole.some((w) => intersection(d, w) / area(d) >= 0.3));
  const merged = nms([...whole, ...cutKept], iouThreshold, CONTAINED_SHARE);
  return merged.sort((p, q) => area(q) - area(p)).slice(0, maxFaces);
}
