/**
 * fr_feature.onnx — ArcFace-style face embedding net from faceplugin-face-recognition-js@0.0.1
 * (MIT, as declared by its vendor).
 * Input  `input`:  float32 NCHW [1, 3, 112, 112], BGR (scores better than RGB on LFW), (v − 127) / 128,
 *                  face aligned to the ArcFace 5-point template.
 * Output `output`: float32 [1, 512], not normalised.
 */
import { rewritePrelu } from '../onnx-rewrite';
import { loadSingleTensorModel, type ModelHost, type SingleTensorModel } from '../runtime';

export const EMBEDDER_INPUT = 112;
export const EMBEDDING_SIZE = 512;

/** `predict` returns float32 [512] raw embedding. */
export type EmbedderModel = SingleTensorModel;

/** Loads fr_feature.onnx from `path`. */
export function loadEmbedder(path: string, host: ModelHost): Promise<EmbedderModel> {
  // PRelu → Relu(x)·(1 − slope) + slope·x: same output, the net runs in about 60 % of the time (onnx-rewrite.ts).
  return loadSingleTensorModel(path, host, [1, 3, EMBEDDER_INPUT, EMBEDDER_INPUT], { rewrite: { id: 'prelu-1', apply: (bytes) => rewritePrelu(bytes).bytes } });
}
