/**
 * Shared types of the engine: 8-bit RGB images, their downscaled copies, points and face boxes.
 * An RgbImage's pixels are interleaved (HWC), row-major, no padding: `data.length === width * height * 3`.
 */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A downscaled copy of an image (a pyramid level): its pixel (x, y) is image pixel (x / scale, y / scale). */
export interface ScaledImage {
  image: RgbImage;
  /** Pixels of this copy per image pixel, below 1. */
  scale: number;
}

/** A point in pixels of some image. */
export interface Point {
  x: number;
  y: number;
}

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
