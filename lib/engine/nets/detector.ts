/**
 * fr_detect.onnx — RFB-320-style face detector (Ultra-Light-Fast-Generic-Face-Detector layout) from
 * faceplugin-face-recognition-js@0.0.1 (MIT, as declared by its vendor). The file takes 320×240 only; it is
 * loaded rewritten to take any size (onnx-rewrite.ts freeDetectorInputSize).
 * Input  `input`:     float32 NCHW [1, 3, height, width], RGB, (v − 127) / 128.
 * Output `scores`:    float32 [1, N, 2] (background, face) probabilities, N = anchorCount(width, height).
 * Output `locations`: float32 [1, N, 4] raw box offsets against detectorAnchors(width, height).
 */
import { anchorCount } from '../detector-anchors';
import { freeDetectorInputSize } from '../onnx-rewrite';
import { assertModelIO, loadModel, runModel, type LoadedModel, type ModelHost } from '../runtime';

export interface DetectorOutput {
  scores: Float32Array;
  locations: Float32Array;
}

export interface DetectorModel {
  model: LoadedModel;
  /** @param input float32 NCHW [1, 3, height, width], RGB, (v − 127) / 128. */
  predict(input: Float32Array, width: number, height: number): Promise<DetectorOutput>;
}

/** Loads fr_detect.onnx from `path`. */
export async function loadDetector(path: string, host: ModelHost): Promise<DetectorModel> {
  const model = await loadModel(path, host, { rewrite: { id: 'free-size-1', apply: (bytes) => freeDetectorInputSize(bytes).bytes } });
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
