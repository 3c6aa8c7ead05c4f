/**
 * fr_expression.onnx — 7-class facial expression net from faceplugin-face-recognition-js@0.0.1
 * (MIT, as declared by its vendor).
 * Input  `input`:  float32 NCHW [1, 3, 224, 224], RGB, v / 255 (0..1), the face box enlarged 1.2×.
 * Output `output`: float32 [1, 7] logits in FER-2013 order: angry, disgust, fear, happy, sad, surprise, neutral.
 * This file: the crop, the run, and the decoding into Rekognition's Emotions and Smile.
 */
import path from 'node:path';
import type { Emotion, EmotionType } from '../../contract/rekognition';
import type { Detection, RgbImage } from '../image';
import { boxCrop } from '../resample';
import { loadSingleTensorModel, type ModelHost, type SingleTensorModel } from '../runtime';
import { softmax, toPlanar } from '../tensor';

export const EXPRESSION_FILE = 'fr_expression.onnx';
export const EXPRESSION_INPUT = 224;
/** The box enlarged by this about its centre is the net's input region. */
const CROP_FACTOR = 1.2;
const UNIT = { order: 'rgb', mean: [0, 0, 0], std: [255, 255, 255] } as const;

/** `predict` returns float32 [7] logits. */
export type ExpressionModel = SingleTensorModel;

/** Loads fr_expression.onnx from the model folder. */
export function loadExpression(modelDir: string, host: ModelHost): Promise<ExpressionModel> {
  // One copy, in the first worker: the 28 MB net costs ~65 MB loaded (pose goes to the second).
  return loadSingleTensorModel(path.join(modelDir, EXPRESSION_FILE), host, [1, 3, EXPRESSION_INPUT, EXPRESSION_INPUT], { pin: 0 });
}

/** FER-2013 class order of fr_expression → Rekognition emotion types. */
const EXPRESSION_TYPES: readonly EmotionType[] = ['ANGRY', 'DISGUSTED', 'FEAR', 'HAPPY', 'SAD', 'SURPRISED', 'CALM'];

export interface FaceExpression {
  /** Most likely first, 0..100. */
  emotions: Emotion[];
  /** HAPPY probability above one half. */
  smile: { Value: boolean; Confidence: number };
}

/** Emotions (most likely first, 0..100) and Smile (HAPPY probability above one half) from expression logits. */
export function toEmotions(logits: ArrayLike<number>): FaceExpression {
  const p = softmax(logits);
  if (p.length !== EXPRESSION_TYPES.length) throw new Error(`expression net: expected 7 classes, got ${p.length}`);
  const emotions = EXPRESSION_TYPES.map((Type, i) => ({ Type, Confidence: p[i]! * 100 })).sort((x, y) => y.Confidence - x.Confidence);
  const happy = p[3]!;
  return { emotions, smile: { Value: happy >= 0.5, Confidence: Math.max(happy, 1 - happy) * 100 } };
}

/** The expression of the face in box `det`. */
export async function predictExpression(model: ExpressionModel, img: RgbImage, det: Detection): Promise<FaceExpression> {
  const input = toPlanar(boxCrop(img, det, CROP_FACTOR, EXPRESSION_INPUT), EXPRESSION_INPUT, EXPRESSION_INPUT, UNIT);
  return toEmotions(await model.predict(input));
}
