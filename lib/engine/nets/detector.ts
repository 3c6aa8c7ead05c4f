/**
 * fr_detect.onnx — RFB-320-style face detector (Ultra-Light-Fast-Generic-Face-Detector layout) from
 * faceplugin-face-recognition-js@0.0.1 (MIT, as declared by its vendor). The file takes 320×240 only; it is
 * loaded rewritten to take any size (onnx-rewrite.ts freeDetectorInputSize).
 * Input  `input`:     float32 NCHW [1, 3, height, width], RGB, (v − 127) / 128, a window of a pyramid level.
 * Output `scores`:    float32 [1, N, 2] (background, face) probabilities, N = anchorCount(width, height).
 * Output `locations`: float32 [1, N, 4] raw box offsets against detectorAnchors(width, height).
 * This file: the window's tensor, the anchors, the run, and the decoding into image-pixel boxes.
 */
import path from 'node:path';
import type { Detection, RgbImage } from '../image';
import { pixelKernels } from '../native';
import { freeDetectorInputSize } from '../onnx-rewrite';
import type { PixelKernels } from '../pixel-kernels';
import { assertModelIO, loadModel, runModel, type LoadedModel, type ModelHost } from '../runtime';

export const DETECTOR_FILE = 'fr_detect.onnx';
/** The file's own input size, the one the net was trained at: its anchors keep this spacing at any size. */
export const DETECTOR_TRAINED_SIZE = { width: 320, height: 240 } as const;

// Input.

/**
 * Copies a window of an image into the detector's input, padding outside the image with the neutral value.
 * @returns float32 NCHW [1, 3, outH, outW], RGB, (v − 127) / 128 (the vendor's normalisation, about −1..1).
 */
export function detectorTensor(img: RgbImage, x0: number, y0: number, outW: number, outH: number, kernels: PixelKernels = pixelKernels): Float32Array {
  return kernels.detectorTensor(img.data, img.width, img.height, x0, y0, outW, outH);
}

// Anchors.

/*
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

// Run.

export interface DetectorOutput {
  scores: Float32Array;
  locations: Float32Array;
}

export interface DetectorModel {
  model: LoadedModel;
  /** @param input float32 NCHW [1, 3, height, width], RGB, (v − 127) / 128. */
  predict(input: Float32Array, width: number, height: number): Promise<DetectorOutput>;
}

/** Loads fr_detect.onnx from the model folder. */
export async function loadDetector(modelDir: string, host: ModelHost): Promise<DetectorModel> {
  const model = await loadModel(path.join(modelDir, DETECTOR_FILE), host, {
    rewrite: { id: 'free-size-1', apply: (bytes) => freeDetectorInputSize(bytes).bytes },
    // Graph settings are timed at the size the net was trained at (runtime.ts timeGraphSettings).
    probe: { name: 'input', dims: [1, 3, DETECTOR_TRAINED_SIZE.height, DETECTOR_TRAINED_SIZE.width] },
  });
  assertModelIO(model, ['input'], ['scores', 'locations']);
  return {
    model,
    async predict(input, width, height) {
      const out = await runModel(model, { input: { data: input, dims: [1, 3, height, width] } }, ['scores', 'locations']);
      const anchors = anchorCount(width, height);
      if (out.scores.length !== 2 * anchors || out.locations.length !== 4 * anchors) {
        throw new Error(`${model.name}: ${out.scores.length / 2} anchors for a ${width}×${height} input, expected ${anchors}`);
      }
      return { scores: out.scores, locations: out.locations };
    },
  };
}

// Decode.

/** Where a detector input window sits: window pixel (u, v) is image pixel ((u + x0) / scale, (v + y0) / scale). */
export interface Window {
  /** Window origin in pixels of the pyramid level. */
  x0: number;
  y0: number;
  /** Level pixels per image pixel. */
  scale: number;
  /** Detector input size (the window's). */
  width: number;
  height: number;
  /** Size of the pyramid level, to tell tile edges from image edges. */
  levelWidth: number;
  levelHeight: number;
}

/** Minimum distance (window pixels) from an inner tile edge for a box to count as whole. */
const EDGE_MARGIN = 2;

/**
 * Decodes the detector's outputs for one window into image-pixel detections above `threshold`.
 * @param scores float32 [N, 2] (background, face) probabilities.
 * @param locations float32 [N, 4] raw offsets against `anchors` (detectorAnchors).
 * @param anchors float32 [N, 4] the window size's anchors.
 */
export function decodeDetections(scores: Float32Array, locations: Float32Array, anchors: Float32Array, win: Window, threshold: number): Detection[] {
  const n = scores.length / 2;
  const out: Detection[] = [];
  for (let i = 0; i < n; i++) {
    const score = scores[2 * i + 1]!;
    if (score < threshold) continue;
    const [r1, s1, r2, s2] = decodeAnchorBox(locations, anchors, i);
    const u1 = r1 * win.width, v1 = s1 * win.height;
    const u2 = r2 * win.width, v2 = s2 * win.height;
    if (u2 <= u1 || v2 <= v1) continue;
    const cut =
      (u1 < EDGE_MARGIN && win.x0 > 0) ||
      (v1 < EDGE_MARGIN && win.y0 > 0) ||
      (u2 > win.width - EDGE_MARGIN && win.x0 + win.width < win.levelWidth) ||
      (v2 > win.height - EDGE_MARGIN && win.y0 + win.height < win.levelHeight);
    out.push({
      x1: (u1 + win.x0) / win.scale,
      y1: (v1 + win.y0) / win.scale,
      x2: (u2 + win.x0) / win.scale,
      y2: (v2 + win.y0) / win.scale,
      score,
      cut,
      scale: win.scale,
    });
  }
  return out;
}

/** One window of a pyramid level through the net: its tensor, the run, its boxes above `threshold` in image pixels. */
export async function detectWindow(detector: DetectorModel, levelImg: RgbImage, win: Window, threshold: number): Promise<Detection[]> {
  const { scores, locations } = await detector.predict(detectorTensor(levelImg, win.x0, win.y0, win.width, win.height), win.width, win.height);
  return decodeDetections(scores, locations, detectorAnchors(win.width, win.height), win, threshold);
}
