/**
 * fr_pose.onnx — head pose net (Hopenet layout: 66 bins of 3° per angle) from
 * faceplugin-face-recognition-js@0.0.1 (MIT, as declared by its vendor).
 * Input  `input`:  float32 NCHW [1, 3, 224, 224], RGB, ImageNet normalisation ((v/255 − mean) / std),
 *                  the face box enlarged by a quarter on each side.
 * Outputs `output` (yaw), `617` (pitch), `618` (roll): float32 [1, 66] logits over −99..+99 degrees.
 */
import { assertModelIO, loadModel, runModel, type LoadedModel, type ModelHost } from '../runtime';

export const POSE_INPUT = 224;
const OUTPUTS = ['output', '617', '618'] as const;

export interface PoseLogits {
  yaw: Float32Array;
  pitch: Float32Array;
  roll: Float32Array;
}

export interface PoseModel {
  model: LoadedModel;
  predict(input: Float32Array): Promise<PoseLogits>;
}

/** Loads fr_pose.onnx from `path`. */
export async function loadPose(path: string, host: ModelHost): Promise<PoseModel> {
  const model = await loadModel(path, host, { pin: 1 }); // one copy, beside the expression net's worker
  assertModelIO(model, ['input'], OUTPUTS);
  return {
    model,
    async predict(input) {
      const out = await runModel(model, { input: { data: input, dims: [1, 3, POSE_INPUT, POSE_INPUT] } }, OUTPUTS);
      return { yaw: out.output, pitch: out['617'], roll: out['618'] };
    },
  };
}
