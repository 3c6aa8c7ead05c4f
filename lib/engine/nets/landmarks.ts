/**
 * fr_landmark.onnx — 68-point (iBUG layout) facial landmark regressor from
 * faceplugin-face-recognition-js@0.0.1 (MIT, as declared by its vendor).
 * Input  `input`:  float32 NCHW [1, 1, 64, 64], grey (luma), v / 256, a square crop around the face box.
 * Output `output`: float32 [1, 136], x0, y0, x1, y1, … as 0..1 ratios of the crop.
 */
import { loadSingleTensorModel, type ModelHost, type SingleTensorModel } from '../runtime';

export const LANDMARK_INPUT = 64;

/** `predict` returns float32 [136] crop-relative x, y pairs. */
export type LandmarkModel = SingleTensorModel;

/** Loads fr_landmark.onnx from `path`. */
export function loadLandmarker(path: string, host: ModelHost): Promise<LandmarkModel> {
  return loadSingleTensorModel(path, host, [1, 1, LANDMARK_INPUT, LANDMARK_INPUT]);
}
