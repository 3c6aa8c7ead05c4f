/**
 * fr_landmark.onnx — 68-point (iBUG layout) facial landmark regressor from
 * faceplugin-face-recognition-js@0.0.1 (MIT, as declared by its vendor).
 * Input  `input`:  float32 NCHW [1, 1, 64, 64], grey (luma), v / 256, a square crop around the face box.
 * Output `output`: float32 [1, 136], x0, y0, x1, y1, … as 0..1 ratios of the crop.
 */
import { assertModelIO, loadModel, runModel, type LoadedModel, type SessionSettings } from '../runtime';

export const LANDMARK_INPUT = 64;

export interface LandmarkModel {
  model: LoadedModel;
  /** @returns float32 [136] crop-relative x, y pairs. */
  predict(input: Float32Array): Promise<Float32Array>;
}

/** Loads fr_landmark.onnx from `path`. */
export async function loadLandmarker(path: string, settings: SessionSettings): Promise<LandmarkModel> {
  const model = await loadModel(path, settings);
  assertModelIO(model, ['input'], ['output']);
  return {
    model,
    async predict(input) {
      const out = await runModel(model, { input: { data: input, dims: [1, 1, LANDMARK_INPUT, LANDMARK_INPUT] } }, ['output']);
      return out.output;
    },
  };
}
