/**
 * Pure planning of the detector's image pyramid. The detector's input is a fixed 320×240 and it finds faces
 * from about 12 to 240 input pixels, so: level 0 fits the whole image into one window (big faces, up to the
 * whole frame); finer levels cover the image with overlapping windows until a face of MIN_FACE_PX image
 * pixels is at least MIN_DETECTABLE_PX input pixels tall.
 */
export const DETECTOR_WIDTH = 320;
export const DETECTOR_HEIGHT = 240;

/** Smallest face (image pixels) the engine promises to find in a large photo. */
export const MIN_FACE_PX = 36;
/** Smallest face (detector input pixels) found reliably: 34-48 px faces pasted on 1920×1080 all found at 12. */
export const MIN_DETECTABLE_PX = 12;
/** Ratio between successive pyramid levels. */
const LEVEL_STEP = 3;
/** Tile overlap (level pixels): a face up to this size lies whole inside some tile. */
const OVERLAP = 96;

export interface PyramidLevel {
  /** Level pixels per image pixel. */
  scale: number;
  width: number;
  height: number;
  /** Window origins in level pixels (each window is DETECTOR_WIDTH × DETECTOR_HEIGHT). */
  tiles: { x0: number; y0: number }[];
}

function tileOrigins(size: number, window: number): number[] {
  if (size <= window) return [0];
  const stride = window - OVERLAP;
  const count = Math.ceil((size - window) / stride) + 1;
  const step = (size - window) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * step));
}

/** Plans the pyramid for an image of width × height pixels. */
export function planPyramid(width: number, height: number, minFacePx = MIN_FACE_PX, minDetectablePx = MIN_DETECTABLE_PX): PyramidLevel[] {
  const fit = Math.min(DETECTOR_WIDTH / width, DETECTOR_HEIGHT / height, 4);
  const levels: PyramidLevel[] = [];
  const finest = Math.min(1, minDetectablePx / minFacePx);
  let scale = fit;
  for (;;) {
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const tiles = [];
    for (const y0 of tileOrigins(h, DETECTOR_HEIGHT)) for (const x0 of tileOrigins(w, DETECTOR_WIDTH)) tiles.push({ x0, y0 });
    levels.push({ scale, width: w, height: h, tiles });
    // Within 15 % of the finest scale already finds ~40 px faces: another level would cost windows for little.
    if (scale >= finest * 0.85) break;
    scale = Math.min(finest, scale * LEVEL_STEP);
  }
  return levels;
}
