/**
 * Shared image type of the engine: 8-bit RGB pixels, interleaved (HWC), row-major, no padding.
 * `data.length === width * height * 3`, values 0..255.
 */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A point in pixels of some image. */
export interface Point {
  x: number;
  y: number;
}
