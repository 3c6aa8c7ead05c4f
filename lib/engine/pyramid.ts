/**
 * Pure planning of the detector's image pyramid. The detector runs at any input size (its graph is
 * rewritten so, see onnx-rewrite.ts) and finds faces from about 12 to 240 input pixels, so: level 0 fits the
 * whole image into 320×240 (big faces, up to the whole frame) and runs as it is; finer levels run whole when
 * small, else as overlapping windows, until a face of MIN_FACE_PX image pixels is MIN_DETECTABLE_PX tall.
 */
import { DETECTOR_TRAINED_SIZE } from './nets/detector';

/** Level 0's bounds: the largest anchors are 256 px, so a face filling the frame must fit in 320×240. */
export const COARSE_WIDTH = DETECTOR_TRAINED_SIZE.width;
export const COARSE_HEIGHT = DETECTOR_TRAINED_SIZE.height;

/** Smallest face (image pixels) the engine promises to find in a large photo. */
export const MIN_FACE_PX = 36;
/** Smallest face (detector input pixels) found reliably: 34-48 px faces pasted on 1920×1080 all found at 12. */
export const MIN_DETECTABLE_PX = 12;
/** Ratio between successive pyramid levels. */
const LEVEL_STEP = 3;
/** Tile overlap (level pixels): a face up to this size lies whole inside some tile. */
const OVERLAP = 96;
/**
 * Largest window (level pixels) a finer level runs in. The detector's time grows with pixels (~3.2 ms per
 * 100k here), so windows only bound memory and split a big level for the two worker threads.
 */
const MAX_WINDOW_WIDTH = 480;
const MAX_WINDOW_HEIGHT = 360;

export interface PyramidLevel {
  /** Level pixels per image pixel. */
  scale: number;
  width: number;
  height: number;
  /** Size of every window of this level (level pixels). */
  windowWidth: number;
  windowHeight: number;
  /** Window origins in level pixels. */
  tiles: { x0: number; y0: number }[];
}

/** The smallest window size ≤ max that covers `size` in as few windows as overlapping by OVERLAP allows. */
function windowSize(size: number, max: number): number {
  if (size <= max) return size;
  const count = Math.ceil((size - OVERLAP) / (max - OVERLAP));
  return Math.ceil((size + (count - 1) * OVERLAP) / count);
}

function tileOrigins(size: number, window: number): number[] {
  if (size <= window) return [0];
  const count = Math.ceil((size - window) / (window - OVERLAP)) + 1;
  const step = (size - window) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * step));
}

/** Plans the pyramid for an image of width × height pixels. */
export function planPyramid(width: number, height: number, minFacePx = MIN_FACE_PX, minDetectablePx = MIN_DETECTABLE_PX): PyramidLevel[] {
  const fit = Math.min(COARSE_WIDTH / width, COARSE_HEIGHT / height, 4);
  const levels: PyramidLevel[] = [];
  const finest = Math.min(1, minDetectablePx / minFacePx);
  let scale = fit;
  for (;;) {
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const windowWidth = windowSize(w, MAX_WINDOW_WIDTH);
    const windowHeight = windowSize(h, MAX_WINDOW_HEIGHT);
    const tiles = [];
    for (const y0 of tileOrigins(h, windowHeight)) for (const x0 of tileOrigins(w, windowWidth)) tiles.push({ x0, y0 });
    levels.push({ scale, width: w, height: h, windowWidth, windowHeight, tiles });
    // Within 15 % of the finest scale already finds ~40 px faces: another level would cost windows for little.
    if (scale >= finest * 0.85) break;
    scale = Math.min(finest, scale * LEVEL_STEP);
  }
  return levels;
}
