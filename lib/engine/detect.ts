/**
 * Face detection over an image pyramid: every planned window goes through the fixed-size detector, the
 * results are mapped back to image pixels and merged (see pyramid.ts and postprocess.ts).
 */
import { resizeImage } from './decode';
import type { RgbImage } from './image';
import type { DetectorModel } from './nets/detector';
import { decodeDetections, mergeTileDetections, type Detection } from './postprocess';
import { DETECTOR_HEIGHT, DETECTOR_WIDTH, planPyramid } from './pyramid';
import { detectorTensor } from './preprocess';

/** Detector probability a face must reach (the vendor uses 0.65; tiles see more background, so a bit higher). */
export const DETECTION_THRESHOLD = 0.7;
const NMS_IOU = 0.4;

/** Finds faces in `img`, largest first, at most `maxFaces`. */
export async function detectFaces(detector: DetectorModel, img: RgbImage, maxFaces: number, minDetectablePx?: number): Promise<Detection[]> {
  const levels = planPyramid(img.width, img.height, undefined, minDetectablePx);
  // Every window at once (the worker host runs them side by side); a level's windows start as soon as
  // that level is resized, without waiting for the other levels.
  const perLevel = await Promise.all(
    levels.map(async (level) => {
      const levelImg = level.width === img.width && level.height === img.height ? img : await resizeImage(img, level.width, level.height);
      return Promise.all(
        level.tiles.map(async (tile) => {
          const { scores, boxes } = await detector.predict(detectorTensor(levelImg, tile.x0, tile.y0, DETECTOR_WIDTH, DETECTOR_HEIGHT));
          const win = {
            x0: tile.x0, y0: tile.y0, scale: level.scale, width: DETECTOR_WIDTH, height: DETECTOR_HEIGHT,
            levelWidth: level.width, levelHeight: level.height,
          };
          return decodeDetections(scores, boxes, win, DETECTION_THRESHOLD);
        }),
      );
    }),
  );
  const perWindow = perLevel.flat();
  return mergeTileDetections(perWindow.flat(), NMS_IOU, maxFaces);
}
