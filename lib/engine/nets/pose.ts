/**
 * fr_pose.onnx — head pose net (Hopenet layout: 66 bins of 3° per angle) from
 * faceplugin-face-recognition-js@0.0.1 (MIT, as declared by its vendor).
 * Input  `input`:  float32 NCHW [1, 3, 224, 224], RGB, ImageNet normalisation ((v/255 − mean) / std),
 *                  the face box enlarged by a quarter on each side.
 * Outputs `output` (yaw), `617` (pitch), `618` (roll): float32 [1, 66] logits over −99..+99 degrees.
 * This file: the crop, the run, and the decoding into Rekognition's Pose.
 */
import path from 'node:path';
import type { Pose } from '../../contract/rekognition';
import type { Detection, RgbImage } from '../image';
import { boxCrop } from '../resample';
import { assertModelIO, loadModel, runModel, type LoadedModel, type ModelHost } from '../runtime';
import { IMAGENET_MEAN, IMAGENET_STD, softmax, toPlanar } from '../tensor';

export const POSE_FILE = 'fr_pose.onnx';
export const POSE_INPUT = 224;
/** A quarter of the box added on each side. */
const CROP_FACTOR = 1.5;
const IMAGENET = { order: 'rgb', mean: IMAGENET_MEAN, std: IMAGENET_STD } as const;
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

/** Loads fr_pose.onnx from the model folder. */
export async function loadPose(modelDir: string, host: ModelHost): Promise<PoseModel> {
  // One copy, beside the expression net's worker.
  const model = await loadModel(path.join(modelDir, POSE_FILE), host, { pin: 1, probe: { name: 'input', dims: [1, 3, POSE_INPUT, POSE_INPUT] } });
  assertModelIO(model, ['input'], OUTPUTS);
  return {
    model,
    async predict(input) {
      const out = await runModel(model, { input: { data: input, dims: [1, 3, POSE_INPUT, POSE_INPUT] } }, OUTPUTS);
      return { yaw: out.output, pitch: out['617'], roll: out['618'] };
    },
  };
}

/** Hopenet: expectation over 66 bins of 3°, centred so bin 33 is 0°. */
export function binsToDegrees(logits: ArrayLike<number>): number {
  const p = softmax(logits);
  let e = 0;
  for (let i = 0; i < p.length; i++) e += p[i]! * i;
  return e * 3 - 99;
}

/** Rekognition Pose from the pose net's three heads. */
export function toPose(yaw: ArrayLike<number>, pitch: ArrayLike<number>, roll: ArrayLike<number>): Pose {
  return { Yaw: binsToDegrees(yaw), Pitch: binsToDegrees(pitch), Roll: binsToDegrees(roll) };
}

/** The head pose of the face in box `det`. */
export async function predictPose(model: PoseModel, img: RgbImage, det: Detection): Promise<Pose> {
  const logits = await model.predict(toPlanar(boxCrop(img, det, CROP_FACTOR, POSE_INPUT), POSE_INPUT, POSE_INPUT, IMAGENET));
  return toPose(logits.yaw, logits.pitch, logits.roll);
}
