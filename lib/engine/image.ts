/**
 * Shared image type of the engine: 8-bit RGB pixels, interleaved (HWC), row-major, no padding.
 * `data.length === width * height * 3`, values 0..255.
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
