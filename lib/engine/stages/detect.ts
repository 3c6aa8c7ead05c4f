/**
 * Detect stage: every window of the image pyramid (pyramid.ts) goes through the detector (nets/detector.ts),
 * and the windows' boxes are merged here: non-maximum suppression across levels and tiles.
 */
import type { Detection, RgbImage, ScaledImage } from '../image';
import { detectWindow, type DetectorModel } from '../nets/detector';
import { planPyramid } from '../pyramid';
import { resizeImage } from '../resample';

/** Detector probability a face must reach (the vendor uses 0.65; tiles see more background, so a bit higher). */
export const DETECTION_THRESHOLD = 0.7;
const NMS_IOU = 0.4;

export interface DetectOptions {
  /** Detector probability a box must reach; default DETECTION_THRESHOLD (lower only to study misses). */
  threshold?: number;
  /**
   * Called, when the pyramid has finer levels, with the coarsest level's boxes (after their own NMS) as soon
   * as its single window is decoded, while the finer windows still run. The final result is a subset of all
   * levels' box objects (NMS only drops boxes), so a caller may start work on these and keep it for the
   * ones that survive: for a portrait the face work then overlaps the second round of windows. `copies`
   * are the levels resized so far (the coarse one and every finer one it was made from), for crops.
   */
  onCoarseLevel?: (candidates: Detection[], copies: readonly ScaledImage[]) => void;
}

export interface FoundFaces {
  /** Largest first, at most maxFaces. */
  faces: Detection[];
  /** The pyramid levels smaller than the image, for later crops of big faces (resample.ts samplingSource). */
  levels: ScaledImage[];
}

/** Finds faces in `img`, largest first, at most `maxFaces`. */
export async function detectFaces(detector: DetectorModel, img: RgbImage, maxFaces: number, options: DetectOptions = {}): Promise<FoundFaces> {
  const levels = planPyramid(img.width, img.height);
  // The finest level is resized from the image and each coarser one from the level below it: the coarse
  // level (whose faces start early, see onCoarseLevel) comes last, but from a small image, so soonest.
  const levelImages: Promise<RgbImage>[] = [];
  const resized: ScaledImage[] = [];
  for (let i = levels.length - 1; i >= 0; i--) {
    const { width, height, scale } = levels[i]!;
    const source = levelImages[i + 1];
    levelImages[i] = (source ?? Promise.resolve(img)).then(async (src) => {
      const levelImg = width === src.width && height === src.height ? src : await resizeImage(src, width, height);
      if (levelImg !== img) resized.push({ image: levelImg, scale });
      return levelImg;
    });
  }
  // Every window at once (the worker host runs them side by side); a level's windows start as soon as
  // that level is resized, without waiting for the other levels.
  const perLevel = await Promise.all(
    levels.map(async (level, index) => {
      const levelImg = await levelImages[index]!;
      const windows = await Promise.all(
        level.tiles.map((tile) => {
          const win = { x0: tile.x0, y0: tile.y0, scale: level.scale, width: level.windowWidth, height: level.windowHeight, levelWidth: level.width, levelHeight: level.height };
          return detectWindow(detector, levelImg, win, options.threshold ?? DETECTION_THRESHOLD);
        }),
      );
      if (index === 0 && levels.length > 1 && options.onCoarseLevel) {
        options.onCoarseLevel(nms(windows.flat(), NMS_IOU, CONTAINED_SHARE).slice(0, maxFaces), [...resized]);
      }
      return windows;
    }),
  );
  return { faces: mergeTileDetections(perLevel.flat(2), NMS_IOU, maxFaces), levels: resized };
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
