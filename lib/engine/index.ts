/**
 * The offline face engine: decode → detect (pyramid) → 68 landmarks → 5-point alignment → 512-d embedding,
 * plus attribute nets, returning Rekognition-shaped faces. See docs/engine.md.
 */
import path from 'node:path';
import { limits } from '../limits';
import { decodeImage } from './decode';
import { detectFaces } from './detect';
import { alignFace, embedFace, embedFaceOnDemand, predictLandmarks, type OnDemandEmbedding } from './face';
import { FACE_PROBE, FACE_SPACE_SURE, FACENESS_LIMITS, faceSpaceScore, looksLikeFace, needsAveragedFaceSpace, surelyOutsideFaceSpace } from './faceness';
import type { RgbImage, ScaledImage } from './image';
import type { Detection } from './postprocess';
import { predictAttributes, type AttributeNets } from './attribute-stage';
import { toComparedFace } from './rekognition-face';
import { loadDetector } from './nets/detector';
import { loadEmbedder } from './nets/embedder';
import { loadExpression } from './nets/expression';
import { loadLandmarker } from './nets/landmarks';
import { loadPose } from './nets/pose';
import { loadSsr } from './nets/ssrnet';
import { inProcessHost } from './runtime';
import { createWorkerHost } from './worker-host';
import type { AnalyzedFace, AnalyzeOptions, FaceEngine, ImageAnalysis } from './types';

export type { AnalyzedFace, AnalyzeOptions, FaceEngine, ImageAnalysis, PixelBox } from './types';

/** The embedding net's file in the model folder: a celebrity pack is tied to its hash (lib/gallery/pack.ts). */
export const EMBEDDING_MODEL_FILE = 'fr_feature.onnx';

export interface EngineOptions {
  /** Folder holding fr_detect.onnx, fr_landmark.onnx, fr_feature.onnx, … (see server/setup-models.mjs). */
  modelDir: string;
  /**
   * Worker threads the nets run in (default 2: this box's cores), each with single-threaded sessions, so a
   * photo's independent inferences run side by side. 0 runs them in the calling thread instead, as each
   * gallery-import worker does (it is already one of two threads).
   */
  netWorkers?: number;
  /** Intra-op threads per session (default 1 with workers; 2 in the calling thread, this box's cores). */
  intraOpThreads?: number;
}

/** Adds the time `work` takes to timings[stage] (summed over faces, which run concurrently). */
async function timed<T>(timings: Record<string, number>, stage: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[stage] = (timings[stage] ?? 0) + performance.now() - start;
  }
}

/**
 * Loads every model once and returns the engine. Rejects, naming the file, when a model is missing or is
 * not the expected net.
 */
export async function createEngine(options: EngineOptions): Promise<FaceEngine> {
  const workers = options.netWorkers ?? 2;
  const host = workers > 0
    ? await createWorkerHost({ workers, intraOpThreads: options.intraOpThreads ?? 1 })
    : inProcessHost({ intraOpThreads: options.intraOpThreads ?? 2 });
  // The 0.35 ms landmark net runs in this thread: a worker round trip cost more than the run itself.
  const landmarkHost = workers > 0 ? inProcessHost({ intraOpThreads: 1 }) : host;
  const closeAll = async () => {
    await Promise.all(landmarkHost === host ? [host.close()] : [host.close(), landmarkHost.close()]);
  };
  const file = (name: string) => path.join(options.modelDir, `fr_${name}.onnx`);
  // allSettled, then rethrow: a failed load must not leave the other sessions' native memory behind.
  const loads = await Promise.allSettled([
    loadDetector(file('detect'), host),
    loadLandmarker(file('landmark'), landmarkHost),
    loadEmbedder(path.join(options.modelDir, EMBEDDING_MODEL_FILE), host),
    loadExpression(file('expression'), host),
    loadPose(file('pose'), host),
    loadSsr(file('age'), host),
    loadSsr(file('gender'), host),
  ] as const);
  const failed = loads.find((r) => r.status === 'rejected');
  if (failed) {
    await closeAll();
    throw failed.reason;
  }
  const value = <T,>(r: PromiseSettledResult<T>): T => (r as PromiseFulfilledResult<T>).value;
  const detector = value(loads[0]);
  const landmarker = value(loads[1]);
  const embedder = value(loads[2]);
  const attributeNets: AttributeNets = { expression: value(loads[3]), pose: value(loads[4]), age: value(loads[5]), gender: value(loads[6]) };

  /** A box's recognition chain (landmarks → align → embedding), or null when it does not look like a face (faceness.ts). */
  async function recognizeFace(img: RgbImage, copies: readonly ScaledImage[], det: Detection, opts: AnalyzeOptions, timings: Record<string, number>): Promise<AnalyzedFace | null> {
    const landmarks = await timed(timings, 'landmarks', () => predictLandmarks(landmarker, img, det, copies));
    const aligned = await timed(timings, 'align', async () => alignFace(img, landmarks.five, copies));
    const shape = () => ({ face: toComparedFace(det, landmarks.points, img), box: { x: det.x1, y: det.y1, width: det.x2 - det.x1, height: det.y2 - det.y1 } });
    let own: OnDemandEmbedding | undefined;
    if (opts.mirrorEmbedding === 'on-demand') {
      // The face-space probe (< 0.99) reads the face's own embedding first: far below its limit the box is
      // dropped, far above it kept, and only in between does the mirror run decide.
      own = await timed(timings, 'embed', () => embedFaceOnDemand(embedder, aligned));
      const ownFaceSpace = faceSpaceScore(own.embedding);
      if (det.score < FACE_SPACE_SURE && surelyOutsideFaceSpace(ownFaceSpace)) return null;
      // The older signs never drop a box at ≥ 0.95, so its mirror run can wait (lib/gallery matchFace).
      if (det.score >= FACENESS_LIMITS.detectorScore) {
        if (det.score < FACE_SPACE_SURE && needsAveragedFaceSpace(ownFaceSpace)) {
          const averaged = await timed(timings, 'embed', own.flipAveraged);
          if (faceSpaceScore(averaged) < FACE_PROBE.limit) return null;
        }
        return { ...shape(), embedding: own.embedding, flipAveraged: own.flipAveraged };
      }
    }
    // Below 0.95 on demand (its own embedding already run), or always: every faceness sign, both runs.
    const { embedding, rawNorm, flipCosine } = await timed(timings, 'embed', own ? own.withMirror : () => embedFace(embedder, aligned));
    const signs = { detectorScore: det.score, embeddingNorm: rawNorm, flipCosine, mirrorDisagreement: landmarks.mirrorDisagreement, faceSpace: faceSpaceScore(embedding) };
    return looksLikeFace(signs) ? { ...shape(), embedding } : null;
  }

  /** A kept box's full analysis: its recognition (perhaps started early) with the attribute nets beside it. */
  async function analyzeFace(img: RgbImage, det: Detection, recognition: Promise<AnalyzedFace | null>, opts: AnalyzeOptions, timings: Record<string, number>): Promise<AnalyzedFace | null> {
    // Attribute nets need only the box: they run beside the landmark → embedding chain.
    const attributes = opts.embeddingsOnly
      ? null
      : timed(timings, 'attributes', () => predictAttributes(attributeNets, img, det, { emotions: opts.emotions ?? true, demographics: opts.demographics ?? false }));
    // Awaited below; this keeps an early failure from counting as an unhandled rejection meanwhile.
    attributes?.catch(() => undefined);
    const face = await recognition;
    if (!face || !attributes) return face;
    const attrs = await attributes;
    Object.assign(face.face, attrs.face);
    if (attrs.age !== undefined) face.age = attrs.age;
    if (attrs.gender) face.gender = attrs.gender;
    return face;
  }

  async function analyze(image: Uint8Array, opts: AnalyzeOptions = {}): Promise<ImageAnalysis> {
    const timings: Record<string, number> = { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0, attributes: 0 };
    const img = await timed(timings, 'decode', () => decodeImage(image));
    const maxFaces = Math.min(opts.maxFaces ?? limits.maxFaces, limits.maxFaces);
    // Faces run concurrently so the worker threads stay busy. A face the coarsest pyramid level found starts
    // its recognition at once, beside the finer windows; the merge keeps box objects, so that work is reused
    // when the box survives. Attribute nets (the 55 ms expression net) wait for the merge, so a box it
    // drops costs no more than its recognition.
    const recognitions = new Map<Detection, Promise<AnalyzedFace | null>>();
    const recognizeOnce = (det: Detection, copies: readonly ScaledImage[]) => {
      let recognition = recognitions.get(det);
      if (!recognition) {
        recognition = recognizeFace(img, copies, det, opts, timings);
        recognitions.set(det, recognition);
      }
      return recognition;
    };
    // A few spare boxes: the faceness check may drop some of the largest.
    const limit = Math.min(maxFaces + 8, limits.maxFaces);
    const found = await timed(timings, 'detect', () =>
      detectFaces(detector, img, limit, { onCoarseLevel: (boxes, copies) => boxes.forEach((box) => recognizeOnce(box, copies)) }),
    );
    const analyzed = await Promise.all(found.faces.map((box) => analyzeFace(img, box, recognizeOnce(box, found.levels), opts, timings)));
    // Early work on boxes the merge dropped: waited for, so no run outlives the call or fails unhandled.
    await Promise.allSettled(recognitions.values());
    const faces = analyzed.filter((face): face is AnalyzedFace => face !== null).slice(0, maxFaces);
    return { width: img.width, height: img.height, faces, timings };
  }

  return {
    analyze,
    close: closeAll,
  };
}
