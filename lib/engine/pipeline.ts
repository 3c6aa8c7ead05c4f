/**
 * The engine's pipeline: loads every net once, then per photo decode → detect → for each box its
 * recognition (landmarks → align → embed → faceness) with the attribute nets beside it. See docs/engine.md.
 */
import { access } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { limits } from '../limits';
import { log } from '../observability/log';
import { decodeImage } from './decode';
import { graphPolicyFrom, type GraphChoice, type GraphPolicy } from './graph-choice';
import { hostCpu } from './host-cpu';
import type { Detection, RgbImage, ScaledImage } from './image';
import { loadDetector } from './nets/detector';
import { loadEmbedder, type FaceEmbedding } from './nets/embedder';
import { EXPRESSION_FILE, loadExpression } from './nets/expression';
import { loadLandmarker } from './nets/landmarks';
import { POSE_FILE, loadPose } from './nets/pose';
import { SSR_FILES, loadSsr } from './nets/ssrnet';
import { releasePixels } from './native';
import { inProcessHost, type LoadedModel, type ModelHost } from './runtime';
import { predictAttributes, type AttributeNets } from './stages/attributes';
import { detectFaces, type DetectOptions, type FoundFaces } from './stages/detect';
import { embedBox, recognizeFace, type RecognitionNets } from './stages/recognize';
import { timed } from './stages/timed';
import type { AnalyzedFace, AnalyzeOptions, FaceEngine, ImageAnalysis } from './types';
import { createWorkerHost } from './worker-host';

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
  /**
   * ONNX Runtime graph optimisations per net (default: env ENGINE_GRAPH_OPTIMIZATION, else 'auto'): 'auto'
   * times the candidates the first time a CPU is met and keeps the choice in `.derived/`; a setting forces it.
   */
  graphOptimization?: GraphPolicy;
}

/** The hosts the nets' sessions live in, and how to close them all. */
async function createHosts(options: EngineOptions): Promise<{ host: ModelHost; landmarkHost: ModelHost; close: () => Promise<void> }> {
  const workers = options.netWorkers ?? 2;
  const graphPolicy = options.graphOptimization ?? graphPolicyFrom(process.env.ENGINE_GRAPH_OPTIMIZATION);
  const host = workers > 0
    ? Object.assign(await createWorkerHost({ workers, intraOpThreads: options.intraOpThreads ?? 1 }), { graphPolicy })
    : inProcessHost({ intraOpThreads: options.intraOpThreads ?? 2, graphPolicy });
  // The 0.35 ms landmark net runs in this thread: a worker round trip cost more than the run itself.
  const landmarkHost = workers > 0 ? inProcessHost({ intraOpThreads: 1, graphPolicy }) : host;
  const close = async () => {
    await Promise.all(landmarkHost === host ? [host.close()] : [host.close(), landmarkHost.close()]);
  };
  return { host, landmarkHost, close };
}

/** Waits for every load (allSettled), then rethrows the first failure: no session's native memory is left behind. */
async function settleLoads<T extends readonly Promise<unknown>[]>(loads: T, close: () => Promise<void>): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(loads);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/** Each net's graph optimisation, by file name, logged once per engine (what bench:engine prints too). */
function graphChoices(models: readonly LoadedModel[], loadMs: number): Record<string, GraphChoice> {
  const graphs = Object.fromEntries(models.flatMap((m) => (m.graph ? [[basename(m.name), m.graph]] : [])));
  const cpu = hostCpu();
  const measured = Object.entries(graphs).filter(([, g]) => g.source === 'measured').map(([net]) => net);
  log.info(
    { cpu: cpu.model, extensions: cpu.extensions.join(' '), graphs: Object.fromEntries(Object.entries(graphs).map(([net, g]) => [net, g.setting])), measured, loadMs: Math.round(loadMs) },
    measured.length ? 'engine: graph optimisation measured for this CPU' : 'engine: graph optimisation per net',
  );
  for (const net of measured) log.info({ net, setting: graphs[net]!.setting, timingsMs: graphs[net]!.timingsMs }, 'engine: graph settings timed');
  return graphs;
}

/** The attribute nets' files, checked at load so a missing one fails at start although they load later. */
const ATTRIBUTE_FILES = [EXPRESSION_FILE, POSE_FILE, SSR_FILES.age, SSR_FILES.gender];

async function checkFilesExist(dir: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    await access(join(dir, file)).catch((error: unknown) => {
      throw new Error(`Could not load face model ${join(dir, file)}: missing. Run \`npm run setup:models\`.`, { cause: error });
    });
  }
}

/**
 * Loads the recognition nets (detector, landmarks, embedding) and returns the engine; the attribute nets
 * (Pose, Quality, Emotions, Smile, age, gender: ~40 MB loaded) load on the first analysis that needs them,
 * as the web path never does. Rejects, naming the file, when a model is missing or is not the expected net.
 */
export async function createEngine(options: EngineOptions): Promise<FaceEngine> {
  const started = performance.now();
  const { host, landmarkHost, close } = await createHosts(options);
  const dir = options.modelDir;
  const [detector, landmarker, embedder] = await settleLoads(
    [loadDetector(dir, host), loadLandmarker(dir, landmarkHost), loadEmbedder(dir, host), checkFilesExist(dir, ATTRIBUTE_FILES)] as const,
    close,
  );
  const graphs = graphChoices([detector, landmarker, embedder].map((net) => net.model), performance.now() - started);
  const recognitionNets: RecognitionNets = { landmarker, embedder };
  let attributeNets: Promise<AttributeNets> | undefined;
  /** The attribute nets, loaded once on first use; a failed load is tried again by the next call. */
  const loadAttributeNets = (): Promise<AttributeNets> => {
    attributeNets ??= (async () => {
      const loadStarted = performance.now();
      const [expression, pose, age, gender] = await Promise.all([loadExpression(dir, host), loadPose(dir, host), loadSsr(dir, 'age', host), loadSsr(dir, 'gender', host)]);
      Object.assign(graphs, graphChoices([expression, pose, age, gender].map((net) => net.model), performance.now() - loadStarted));
      return { expression, pose, age, gender };
    })();
    attributeNets.catch(() => { attributeNets = undefined; });
    return attributeNets;
  };

  /** A kept box's full analysis: its recognition (perhaps started early) with the attribute nets beside it. */
  async function analyzeFace(img: RgbImage, det: Detection, recognition: Promise<AnalyzedFace | null>, opts: AnalyzeOptions, timings: Record<string, number>): Promise<AnalyzedFace | null> {
    // Attribute nets need only the box: they run beside the landmark → embedding chain.
    const attributes = opts.embeddingsOnly
      ? null
      : timed(timings, 'attributes', async () => predictAttributes(await loadAttributeNets(), img, det, { emotions: opts.emotions ?? true, demographics: opts.demographics ?? false }));
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
        recognition = recognizeFace(recognitionNets, img, copies, det, opts, timings);
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
    // Nothing reads the pixels after this (a face's mirror run works on its aligned crop): freed now, not at
    // the next garbage collection. A failed call leaves them to the collector.
    for (const level of found.levels) releasePixels(level.image.data);
    if (!opts.keepPixels) releasePixels(img.data);
    const pixels = opts.keepPixels ? { pixels: { ...img, release: () => releasePixels(img.data) } } : {};
    return { width: img.width, height: img.height, faces, timings, ...pixels };
  }

  return { analyze, close, graphs };
}

/** The recognition chain stage by stage, without the faceness verdict: for lab code (eval/train-face-probe.ts). */
export interface FaceChain {
  /** The detect stage as the engine runs it; `threshold` below DETECTION_THRESHOLD finds the boxes it would not. */
  detect(img: RgbImage, maxFaces: number, options?: Pick<DetectOptions, 'threshold'>): Promise<FoundFaces>;
  /** Landmarks and flip-averaged embedding of any box, `levels` being its photo's FoundFaces levels. */
  embed(img: RgbImage, det: Detection, levels: readonly ScaledImage[]): Promise<FaceEmbedding>;
  close(): Promise<void>;
}

/** Loads the detector, landmark and embedding nets as createEngine does, for lab code that needs each box. */
export async function createFaceChain(options: EngineOptions): Promise<FaceChain> {
  const { host, landmarkHost, close } = await createHosts(options);
  const [detector, landmarker, embedder] = await settleLoads(
    [loadDetector(options.modelDir, host), loadLandmarker(options.modelDir, landmarkHost), loadEmbedder(options.modelDir, host)] as const,
    close,
  );
  return {
    detect: (img, maxFaces, detectOptions = {}) => detectFaces(detector, img, maxFaces, detectOptions),
    embed: (img, det, levels) => embedBox({ landmarker, embedder }, img, det, levels),
    close,
  };
}
