/**
 * fr_feature.onnx — ArcFace-style face embedding net from faceplugin-face-recognition-js@0.0.1
 * (MIT, as declared by its vendor).
 * Input  `input`:  float32 NCHW [1, 3, 112, 112], BGR (scores better than RGB on LFW), (v − 127) / 128,
 *                  face aligned to the ArcFace 5-point template.
 * Output `output`: float32 [1, 512], not normalised.
 * This file: the alignment (the net's crop), the normalisation, the runs on the face and its mirror image,
 * and their decoding into one unit embedding with the two runs' agreement.
 */
import path from 'node:path';
import type { Point, RgbImage, ScaledImage } from '../image';
import { rewritePrelu } from '../onnx-rewrite';
import { samplingSource, warpAffine } from '../resample';
import { loadSingleTensorModel, type ModelHost, type SingleTensorModel } from '../runtime';
import { estimateSimilarity, inverseMap } from '../similarity';
import { toPlanar } from '../tensor';

/** The embedding net's file in the model folder: a celebrity pack is tied to its hash (lib/gallery/pack.ts). */
export const EMBEDDING_MODEL_FILE = 'fr_feature.onnx';
export const EMBEDDER_INPUT = 112;
/**
 * Bumped when a change before the embedding net (crop, landmarks, alignment) changes the embeddings a photo
 * gives: caches of embeddings key on it beside the model's hash.
 */
export const EMBEDDING_PIPELINE_VERSION = 1;
export const EMBEDDING_SIZE = 512;

/** `predict` returns float32 [512] raw embedding. */
export type EmbedderModel = SingleTensorModel;

/** Loads fr_feature.onnx from the model folder. */
export function loadEmbedder(modelDir: string, host: ModelHost): Promise<EmbedderModel> {
  // PRelu → Relu(x)·(1 − slope) + slope·x: same output, the net runs in about 60 % of the time (onnx-rewrite.ts).
  return loadSingleTensorModel(path.join(modelDir, EMBEDDING_MODEL_FILE), host, [1, 3, EMBEDDER_INPUT, EMBEDDER_INPUT], { rewrite: { id: 'prelu-1', apply: (bytes) => rewritePrelu(bytes).bytes } });
}

/**
 * The standard ArcFace (insightface) 112×112 template: left eye, right eye, nose tip, left and right mouth
 * corner, as seen in the image (the subject's right eye is the image-left one).
 */
export const ARCFACE_TEMPLATE: readonly Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

/**
 * The aligned 112×112 face: float32 HWC [112, 112, 3], RGB, 0..255.
 * @param copies downscaled copies of `img` a big face may be sampled from (samplingSource).
 */
export function alignFace(img: RgbImage, five: readonly Point[], copies: readonly ScaledImage[] = []): Float32Array {
  const transform = estimateSimilarity(five, ARCFACE_TEMPLATE);
  const source = samplingSource(img, copies, inverseMap(transform));
  return warpAffine(source.image, source.map, EMBEDDER_INPUT, EMBEDDER_INPUT);
}

/** The vendor's normalisation, in BGR: (v − 127) / 128. */
const EMBED_NORM = { order: 'bgr', mean: [127, 127, 127], std: [128, 128, 128] } as const;

/** The aligned face (or its mirror image) as the embedding net's input. */
function embedderInput(aligned: Float32Array, mirrored: boolean): Float32Array {
  return toPlanar(aligned, EMBEDDER_INPUT, EMBEDDER_INPUT, mirrored ? { ...EMBED_NORM, flip: true } : EMBED_NORM);
}

export interface FaceEmbedding {
  /** float32 [512], unit length: mean of the embeddings of the aligned face and its mirror image. */
  embedding: Float32Array;
  /** Mean length of the two raw embeddings (low for what is not a clear face; faceness.ts). */
  rawNorm: number;
  /** Cosine between the two raw embeddings. */
  flipCosine: number;
  /** Length of the face's own raw embedding (before normalisation, mirror left out): a quality proxy. */
  ownNorm: number;
}

/** Scales a vector to unit length in place. */
export function l2Normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return v;
}

/** The two raw embeddings' sum at unit length, and their agreement. */
function combine(plain: Float32Array, mirrored: Float32Array): FaceEmbedding {
  const sum = new Float32Array(plain.length);
  let dot = 0, plainSq = 0, mirroredSq = 0;
  for (let i = 0; i < sum.length; i++) {
    const a = plain[i]!, b = mirrored[i]!;
    sum[i] = a + b;
    dot += a * b;
    plainSq += a * a;
    mirroredSq += b * b;
  }
  const norms = Math.sqrt(plainSq) * Math.sqrt(mirroredSq);
  return {
    embedding: l2Normalize(sum),
    rawNorm: (Math.sqrt(plainSq) + Math.sqrt(mirroredSq)) / 2,
    flipCosine: norms > 0 ? dot / norms : 0,
    ownNorm: Math.sqrt(plainSq),
  };
}

/** The flip-averaged embedding of an aligned face, with the two runs' agreement (faceness signs). */
export async function embedFace(model: EmbedderModel, aligned: Float32Array): Promise<FaceEmbedding> {
  const [plain, mirrored] = await Promise.all([model.predict(embedderInput(aligned, false)), model.predict(embedderInput(aligned, true))]);
  return combine(plain, mirrored);
}

export interface OnDemandEmbedding {
  /** float32 [512], unit length: the embedding of the aligned face alone. */
  embedding: Float32Array;
  /** Length of the face's own raw embedding before normalisation (FaceEmbedding.ownNorm). */
  ownNorm: number;
  /** Runs the mirror image on first call: resolves to exactly what embedFace gives for this face. */
  withMirror: () => Promise<FaceEmbedding>;
  /** withMirror's flip-averaged embedding. */
  flipAveraged: () => Promise<Float32Array>;
}

/**
 * The face's own embedding now, the flip-averaged one only when asked: one net run instead of two for the
 * many faces whose match the mirror image cannot change (lib/gallery matchFace).
 */
export async function embedFaceOnDemand(model: EmbedderModel, aligned: Float32Array): Promise<OnDemandEmbedding> {
  const plain = await model.predict(embedderInput(aligned, false));
  let both: Promise<FaceEmbedding> | undefined;
  const withMirror = () => (both ??= model.predict(embedderInput(aligned, true)).then((mirrored) => combine(plain, mirrored)));
  let sq = 0;
  for (const x of plain) sq += x * x;
  return {
    embedding: l2Normalize(plain.slice()),
    ownNorm: Math.sqrt(sq),
    withMirror,
    flipAveraged: () => withMirror().then((combined) => combined.embedding),
  };
}
