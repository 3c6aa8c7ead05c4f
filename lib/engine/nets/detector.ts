/**
 * fr_detect.onnx — RFB-320-style face detector (Ultra-Light-Fast-Generic-Face-Detector layout) from
 * faceplugin-face-recognition-js@0.0.1 (MIT, as declared by its vendor).
 * Input  `input`:  float32 NCHW [1, 3, 240, 320], RGB, (v − 127) / 128.
 * Output `scores`: float32 [1, 4420, 2] (background, face) probabilities.
 * Output `boxes`:  float32 [1, 4420, 4] corner-form x1, y1, x2, y2, 0..1 of the input (priors applied in-graph).
 */
import { assertModelIO, loadModel, runModel, type LoadedModel, type ModelHost } from '../runtime';

export const DETECTOR_INPUT = { width: 320, height: 240 } as const;

export interface DetectorOutput {
  scores: Float32Array;
  boxes: Float32Array;
}

export interface DetectorModel {
  model: LoadedModel;
  /** @param input float32 NCHW [1, 3, 240, 320], RGB, (v − 127) / 128. */
  predict(input: Float32Array): Promise<DetectorOutput>;
}

/** Loads fr_detect.onnx from `path`. */
export async function loadDetector(path: string, host: ModelHost): Promise<DetectorModel> {
  const model = await loadModel(path, host);
  assertModelIO(model, ['input'], ['scores', 'boxes']);
  return {
    model,
    async predict(input) {
      const out = await runModel(model, { input: { data: input, dims: [1, 3, DETECTOR_INPUT.height, DETECTOR_INPUT.width] } }, ['scores', 'boxes']);
      return { scores: out.scores, boxes: out.boxes };
    },
  };
}
