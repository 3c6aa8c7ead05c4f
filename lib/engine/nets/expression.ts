/**
 * fr_expression.onnx — 7-class facial expression net from faceplugin-face-recognition-js@0.0.1
 * (MIT, as declared by its vendor).
 * Input  `input`:  float32 NCHW [1, 3, 224, 224], RGB, v / 255 (0..1), the face box enlarged 1.2×.
 * Output `output`: float32 [1, 7] logits in FER-2013 order: angry, disgust, fear, happy, sad, surprise, neutral.
 */
import { loadSingleTensorModel, type ModelHost, type SingleTensorModel } from '../runtime';

export const EXPRESSION_INPUT = 224;

/** `predict` returns float32 [7] logits. */
export type ExpressionModel = SingleTensorModel;

/** Loads fr_expression.onnx from `path`. */
export function loadExpression(path: string, host: ModelHost): Promise<ExpressionModel> {
  // One copy, in the first worker: the 28 MB net costs ~65 MB loaded (pose goes to the second).
  return loadSingleTensorModel(path, host, [1, 3, EXPRESSION_INPUT, EXPRESSION_INPUT], { pin: 0 });
}
