/**
 * The offline face engine: decode → detect (pyramid) → 68 landmarks → 5-point alignment → 512-d embedding,
 * plus attribute nets, returning Rekognition-shaped faces. See docs/engine.md.
 */
import path from 'node:path';
import { limits } from '../limits';
import { decodeImage } from './decode';
import { detectFaces } from './detect';
import { alignFace, embedFace, predictLandmarks } from './face';
import type { RgbImage } from './image';
import type { Detection } from './postprocess';
import { predictAttributes, type AttributeNets } from './attribute-stage';
import { toComparedFace } from './rekognition-face';
import { loadDetector } from './nets/detector';
import { loadEmbedder } from './nets/embedder';
import { loadExpression } from './nets/expression';
import { loadLandmarker } from './nets/landmarks';
import { loadPose } from './nets/pose';
import { loadSsr } from './nets/ssrnet';
import { releaseModel } from './runtime';
import type { AnalyzedFace, AnalyzeOptions, FaceEngine, ImageAnalysis } from './types';

export type { AnalyzedFace, AnalyzeOptions, FaceEngine, ImageAnalysis, PixelBox } from './types';

export interface EngineOptions {
  /** Folder holding fr_detect.onnx, fr_landmark.onnx, fr_feature.onnx, … (see scripts/setup-models.mjs). */
  modelDir: string;
  /**
   * Threads per inference (default 2: this box's cores; the expression net always gets at least 2). Use 1
   * per worker when running one engine per worker thread (gallery import).
   */
  intraOpThreads?: number;
}

/**
 * Loads every model once and returns the engine. Rejects, naming the file, when a model is missing or is
 * not the expected net.
 */
export async function createEngine(options: EngineOptions): Promise<FaceEngine> {
  // onnxruntime-node runs one inference at a time per process, so only intra-op threads use both cores.
  const threads = options.intraOpThreads ?? 2;
  const settings = { intraOpThreads: threads };
  const file = (name: string) => path.join(options.modelDir, `fr_${name}.onnx`);
  // allSettled, then rethrow: a failed load must not leave the other sessions' native memory behind.
  const loads = await Promise.allSettled([
    loadDetector(file('detect'), settings),
    loadLandmarker(file('landmark'), settings),
    loadEmbedder(file('feature'), settings),
    loadExpression(file('expression'), { intraOpThreads: Math.max(2, threads) }),
    loadPose(file('pose'), settings),
    loadSsr(file('age'), settings),
    loadSsr(file('gender'), settings),
  ] as const);
  const failed = loads.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(loads.map((r) => (r.status === 'fulfilled' ? releaseModel(r.value.model) : undefined)));
    throw failed.reason;
  }
  const value = <T,>(r: PromiseSettledResult<T>): T => (r as PromiseFulfilledResult<T>).value;
  const detector = value(loads[0]);
  const landmarker = value(loads[1]);
  const embedder = value(loads[2]);
  const attributeNets: AttributeNets = { expression: value(loads[3]), pose: value(loads[4]), age: value(loads[5]), gender: value(loads[6]) };
  const allModels = [detector, landmarker, embedder, ...Object.values(attributeNets)].map((m) => m.model);

  async function analyzeFace(img: RgbImage, det: Detection, opts: AnalyzeOptions, timings: Record<string, number>): Promise<AnalyzedFace> {
    let t = performance.now();
    const lap = (stage: string) => {
      const now = performance.now();
      timings[stage] = (timings[stage] ?? 0) + now - t;
      t = now;
    };
    const landmarks = await predictLandmarks(landmarker, img, det);
    lap('landmarks');
    const aligned = alignFace(img, landmarks.five);
    lap('align');
    const embedding = await embedFace(embedder, aligned);
    lap('embed');
    const face: AnalyzedFace = { face: toComparedFace(det, landmarks.points, img), box: { x: det.x1, y: det.y1, width: det.x2 - det.x1, height: det.y2 - det.y1 }, embedding };
    if (opts.embeddingsOnly) return face;
    const attrs = await predictAttributes(attributeNets, img, det, opts.emotions ?? true);
    lap('attributes');
    Object.assign(face.face, attrs.face);
    return { ...face, age: attrs.age, gender: attrs.gender };
  }

  async function analyze(image: Uint8Array, opts: AnalyzeOptions = {}): Promise<ImageAnalysis> {
    const timings: Record<string, number> = { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0, attributes: 0 };
    let t = performance.now();
    const img = await decodeImage(image);
    timings.decode = performance.now() - t;
    t = performance.now();
    const dets = await detectFaces(detector, img, Math.min(opts.maxFaces ?? limits.maxFaces, limits.maxFaces));
    timings.detect = performance.now() - t;
    const faces: AnalyzedFace[] = [];
    for (const det of dets) faces.push(await analyzeFace(img, det, opts, timings));
    return { width: img.width, height: img.height, faces, timings };
  }

  return {
    analyze,
    async close() {
      await Promise.all(allModels.map((m) => releaseModel(m)));
    },
  };
}
