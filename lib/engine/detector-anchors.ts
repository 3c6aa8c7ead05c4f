/**
 * The detector's anchors (SSD priors) for any input size, as the RFB-320 detector's training code makes
 * them: four heads at strides 8, 16, 32 and 64, centres half a spacing in from the corner, square boxes of
 * 10/16/24, 32/48, 64/96 and 128/192/256 input pixels. For 320×240 these are exactly the 4,420 anchors the
 * vendor's graph holds as constants (checked in engine.test.ts against the original graph's boxes).
 */

const STRIDES = [8, 16, 32, 64] as const;
/**
 * Distance between neighbouring anchor centres per head, as the net was trained at 320×240: the stride
 * across, but 30 and 60 down for the last two heads (8 and 4 rows shared 240 px). The net learned its
 * offsets against these, so every input size keeps them; ratios of the size would shift boxes by up to
 * 47 px in a 170 px wide level.
 */
const SPACING_X = [8, 16, 32, 64] as const;
const SPACING_Y = [8, 16, 30, 60] as const;
const ANCHOR_SIZES: ReadonlyArray<readonly number[]> = [[10, 16, 24], [32, 48], [64, 96], [128, 192, 256]];
/** The box encoding's variances: centre offsets ×0.1 of the anchor size, log sizes ×0.2. */
const CENTER_VARIANCE = 0.1;
const SIZE_VARIANCE = 0.2;

/**
 * Anchors for a width × height input, in the order of the heads' outputs (head, row, column, size).
 * @returns float32 [N, 4]: centre x, centre y, width, height as 0..1 ratios of the input (clipped to 0..1).
 */
export function detectorAnchors(width: number, height: number): Float32Array {
  const out = new Float32Array(4 * anchorCount(width, height));
  const clip = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
  let o = 0;
  STRIDES.forEach((stride, head) => {
    const columns = Math.ceil(width / stride);
    const rows = Math.ceil(height / stride);
    const sizes = ANCHOR_SIZES[head]!;
    for (let row = 0; row < rows; row++) {
      const cy = clip(((row + 0.5) * SPACING_Y[head]!) / height);
      for (let column = 0; column < columns; column++) {
        const cx = clip(((column + 0.5) * SPACING_X[head]!) / width);
        for (const size of sizes) {
          out[o++] = cx;
          out[o++] = cy;
          out[o++] = clip(size / width);
          out[o++] = clip(size / height);
        }
      }
    }
  });
  return out;
}

/** How many anchors a width × height input has (the length of the detector's outputs). */
export function anchorCount(width: number, height: number): number {
  return STRIDES.reduce((n, stride, head) => n + Math.ceil(width / stride) * Math.ceil(height / stride) * ANCHOR_SIZES[head]!.length, 0);
}

/**
 * Decodes anchor `i`'s raw location (centre offsets, log sizes) into a corner-form box, 0..1 of the input.
 * @returns [x1, y1, x2, y2]
 */
export function decodeAnchorBox(locations: Float32Array, anchors: Float32Array, i: number): [number, number, number, number] {
  const ax = anchors[4 * i]!, ay = anchors[4 * i + 1]!, aw = anchors[4 * i + 2]!, ah = anchors[4 * i + 3]!;
  const cx = locations[4 * i]! * CENTER_VARIANCE * aw + ax;
  const cy = locations[4 * i + 1]! * CENTER_VARIANCE * ah + ay;
  const w = Math.exp(locations[4 * i + 2]! * SIZE_VARIANCE) * aw;
  const h = Math.exp(locations[4 * i + 3]! * SIZE_VARIANCE) * ah;
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}
