/**
 * fr_age.onnx and fr_gender.onnx — SSR-Net regressors (three stages of three bins) from
 * faceplugin-face-recognition-js@0.0.1 (MIT, as declared by its vendor). Both nets share this contract.
 * Input  `input`: float32 NCHW [1, 3, 64, 64], BGR, ImageNet normalisation, the face box enlarged 1.4×.
 * Outputs (selected by name): `prob_stage_{1,2,3}` [1, 3], `stage{1,2,3}_delta_k` [1, 1],
 *   `index_offset_stage{1,2,3}` [1, 3]; merged by `mergeSsr` into one value (age: years; gender: 0..1).
 */
import { assertModelIO, loadModel, runModel, type LoadedModel, type ModelHost } from '../runtime';

export const SSR_INPUT = 64;
/** Output order matters: mergeSsr reads the concatenation of these. */
export const SSR_OUTPUTS = [
  'prob_stage_1', 'prob_stage_2', 'prob_stage_3', 'stage1_delta_k', 'stage2_delta_k', 'stage3_delta_k',
  'index_offset_stage1', 'index_offset_stage2', 'index_offset_stage3',
] as const;

export interface SsrModel {
  model: LoadedModel;
  /** @returns float32 [21]: the SSR_OUTPUTS concatenated. */
  predict(input: Float32Array): Promise<Float32Array>;
}

/** Loads an SSR-Net model (fr_age.onnx or fr_gender.onnx) from `path`. */
export async function loadSsr(path: string, host: ModelHost): Promise<SsrModel> {
  const model = await loadModel(path, host);
  assertModelIO(model, ['input'], SSR_OUTPUTS);
  return {
    model,
    async predict(input) {
      const out = await runModel(model, { input: { data: input, dims: [1, 3, SSR_INPUT, SSR_INPUT] } }, SSR_OUTPUTS);
      const flat = new Float32Array(21);
      let o = 0;
      for (const name of SSR_OUTPUTS) {
        flat.set(out[name], o);
        o += out[name].length;
      }
      return flat;
    },
  };
}
