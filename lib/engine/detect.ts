/**
 * Face detection over an image pyramid: every planned window goes through the fixed-size detector, the
 * results are mapped back to image pixels and merged (see pyramid.ts and postprocess.ts).
 */
import { resizeImage } from './decode';
import type { RgbImage, ScaledImage } from './image';
import type { DetectorModel } from './nets/detector';
import { CONTAINED_SHARE, decodeDetections, mergeTileDetections, nms, type Detection } from './postprocess';
import { detectorAnchors } from './detector-anchors';
import { planPyramid } from './pyramid';
import { detectorTensor } from './preprocess';

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
  /** The pyramid levels smaller than the image, for later crops of big faces (face.ts). */
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
        level.tiles.map(async (tile) => {
          const { windowWidth: width, windowHeight: height } = level;
          const { scores, locations } = await detector.predict(detectorTensor(levelImg, tile.x0, tile.y0, width, height), width, height);
          const win = { x0: tile.x0, y0: tile.y0, scale: level.scale, width, height, levelWidth: level.width, levelHeight: level.height };
          return decodeDetections(scores, locations, detectorAnchors(width, height), win, options.threshold ?? DETECTION_THRESHOLD);
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
