/**
 * fr_age.onnx and fr_gender.onnx — SSR-Net regressors (three stages of three bins) from
 * faceplugin-face-recognition-js@0.0.1 (MIT, as declared by its vendor). Both nets share this contract.
 * Input  `input`: float32 NCHW [1, 3, 64, 64], BGR, ImageNet normalisation, the face box enlarged 1.4×.
 * Outputs (selected by name): `prob_stage_{1,2,3}` [1, 3], `stage{1,2,3}_delta_k` [1, 1],
 *   `index_offset_stage{1,2,3}` [1, 3]; merged by `mergeSsr` into one value (age: years; gender: 0..1).
 * This file: the crop both nets read, their runs, and the decoding into age and gender.
 */
import path from 'node:path';
import type { Detection, RgbImage } from '../image';
import { boxCrop } from '../resample';
import { assertModelIO, loadModel, runModel, type LoadedModel, type ModelHost } from '../runtime';
import { IMAGENET_MEAN, IMAGENET_STD, toPlanar } from '../tensor';

export const SSR_FILES = { age: 'fr_age.onnx', gender: 'fr_gender.onnx' } as const;
export const SSR_INPUT = 64;
/** The box enlarged by this about its centre is the nets' input region. */
const CROP_FACTOR = 1.4;
/** SSR-Net separated women from men better fed BGR on a few LFW people (it stays a weak net). */
const SSR_NORM = { order: 'bgr', mean: IMAGENET_MEAN, std: IMAGENET_STD } as const;
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

/** Loads fr_age.onnx or fr_gender.onnx from the model folder. */
export async function loadSsr(modelDir: string, net: keyof typeof SSR_FILES, host: ModelHost): Promise<SsrModel> {
  const model = await loadModel(path.join(modelDir, SSR_FILES[net]), host, { probe: { name: 'input', dims: [1, 3, SSR_INPUT, SSR_INPUT] } });
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

/**
 * SSR-Net's soft stagewise regression (as the vendor merges it; stages of 3 bins, λ_local = λ_d = 1).
 * @param x float32 [21]: prob_stage_1..3 (9), delta_k 1..3 (3), index_offset 1..3 (9).
 * @param range output scale V (101 years for age, 1 for gender).
 */
export function mergeSsr(x: ArrayLike<number>, range: number): number {
  const s = 3;
  let a = 0, b = 0, c = 0;
  for (let i = 0; i < s; i++) {
    a += (i + x[12 + i]!) * x[i]!;
    b += (i + x[15 + i]!) * x[3 + i]!;
    c += (i + x[18 + i]!) * x[6 + i]!;
  }
  const d1 = s * (1 + x[9]!), d2 = s * (1 + x[10]!), d3 = s * (1 + x[11]!);
  return (a / d1 + b / d1 / d2 + c / d1 / d2 / d3) * range;
}

export interface Demographics {
  /** Years. */
  age: number;
  gender: { value: 'Male' | 'Female'; confidence: number };
}

/** Age and gender of the face in box `det`: one crop, both nets side by side. */
export async function predictDemographics(nets: { age: SsrModel; gender: SsrModel }, img: RgbImage, det: Detection): Promise<Demographics> {
  const input = toPlanar(boxCrop(img, det, CROP_FACTOR, SSR_INPUT), SSR_INPUT, SSR_INPUT, SSR_NORM);
  const copy = input.slice(); // predict takes ownership of its input, and two nets read this one
  const [age, gender] = await Promise.all([nets.age.predict(input), nets.gender.predict(copy)]);
  const male = Math.min(1, Math.max(0, mergeSsr(gender, 1)));
  return {
    age: mergeSsr(age, 101),
    gender: male >= 0.5 ? { value: 'Male', confidence: male * 100 } : { value: 'Female', confidence: (1 - male) * 100 },
  };
}
