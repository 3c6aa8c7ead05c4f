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
export async function detectFaces(detector: DetectorModel, img: RgbImage, maxFaces: number): Promise<Detection[]> {
  const all: Detection[] = [];
  for (const level of planPyramid(img.width, img.height)) {
    const levelImg = level.width === img.width && level.height === img.height ? img : await resizeImage(img, level.width, level.height);
    for (const tile of level.tiles) {
      const input = detectorTensor(levelImg, tile.x0, tile.y0, DETECTOR_WIDTH, DETECTOR_HEIGHT);
      const { scores, boxes } = await detector.predict(input);
      const win = {
        x0: tile.x0, y0: tile.y0, scale: level.scale, width: DETECTOR_WIDTH, height: DETECTOR_HEIGHT,
        levelWidth: level.width, levelHeight: level.height,
      };
      all.push(...decodeDetections(scores, boxes, win, DETECTION_THRESHOLD));
    }
  }
  return mergeTileDetections(all, NMS_IOU, maxFaces);
}
