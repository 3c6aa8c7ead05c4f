/**
 * Our engine, measured in this process (so its peak RSS is ours alone): per-stage timings from
 * `analyze().timings` and decode → match (embeddings plus a gallery search per face, the figure the
 * targets name), the full Rekognition-shaped faces the app returns (attribute nets too), the like-for-like
 * bytes → embeddings mode used for the peer ratios, and throughput with 1 and 2 concurrent callers.
 */
import path from 'node:path';
import { createEngine, jpegDecoder, pixelKernelsIn, type AnalyzeOptions, type FaceEngine, type GraphChoice } from '../../lib/engine';
import { peakRssMb } from './child';
import { buildGalleryMatcher, type GalleryMatcher } from './gallery-index';
import { repoRoot, type BenchPhoto, type PhotoKind } from './photos';
import { SampleSet } from './stats';
import { randomUnitMatrix } from './vectors';

/** Shaped like an all-of-LFW gallery (13,233 embeddings of 5,749 people), synthetic, for end to end. */
export const E2E_GALLERY_ROWS = 13_233;
export const E2E_GALLERY_PEOPLE = 5_749;

function buildE2eMatcher(): GalleryMatcher {
  const owners = Int32Array.from({ length: E2E_GALLERY_ROWS }, (_, row) => row % E2E_GALLERY_PEOPLE);
  return buildGalleryMatcher(randomUnitMatrix(E2E_GALLERY_ROWS, 512, 7), 512, owners);
}

export interface OursResult {
  settings: string;
  /** `${kind}:${stage}` → ms samples (kind single|group; stages as the engine names them, plus search, total). */
  stages: Record<string, number[]>;
  /** Photo name → bytes → embeddings ms (embeddingsOnly), the like-for-like figure for the peer ratios. */
  perPhoto: Record<string, number[]>;
  faces: Record<string, number>;
  /** Single-face photos per second decode → match with 1 and 2 concurrent callers, and full faces with 2. */
  photosPerSecond: { callers1: number; callers2: number; fullCallers2: number };
  /** The decode → match pass's process cost per run: page faults and CPU (all threads), steadier than wall time here. */
  decodeToMatchCost: { pageFaults: number; cpuMs: number };
  /** Faces matched over the whole run, and how many of them needed the mirror image's embedding run. */
  flipAveraged: { faces: number; flipRuns: number };
  peakRssMb: number;
  /** The ONNX Runtime graph optimisation each net ran with on this host (FaceEngine.graphs). */
  graphs: Record<string, GraphChoice>;
}

export type Progress = (phase: string, done: number, total: number) => void;

/** Analysis with `options` (defaults = what the recognizer runs) then the gallery match per face; stage samples. */
async function endToEnd(engine: FaceEngine, match: GalleryMatcher, photo: BenchPhoto, options?: AnalyzeOptions): Promise<{ total: number; timings: Record<string, number>; faces: number }> {
  const start = performance.now();
  const analysis = await engine.analyze(photo.bytes, options);
  const searchStart = performance.now();
  for (const face of analysis.faces) await match.match(face);
  const search = performance.now() - searchStart;
  const total = performance.now() - start;
  return { total, timings: { ...analysis.timings, search }, faces: analysis.faces.length };
}

/**
 * What the decode → match figures time: the recognizer's pipeline without attribute nets, the
 * mirror image's embedding run only where it could change the match, as the recognizer does.
 */
const DECODE_TO_MATCH: AnalyzeOptions = { embeddingsOnly: true, mirrorEmbedding: 'on-demand' };
/** What the app's recognizer runs: the same plus the attribute nets. */
const FULL: AnalyzeOptions = { mirrorEmbedding: 'on-demand' };

/**
 * Stage samples. decode → match runs in a pass of its own, round-robin over the photos (a steady stream of
 * recognitions, caches warm with the recognition nets); the full analyses follow in a second pass. That
 * pass also times decode → match right after each full analysis, when the 28 MB expression net has just
 * pushed the recognition nets out of the caches: reported beside the target figure, not as it.
 */
async function measureStages(engine: FaceEngine, match: GalleryMatcher, photos: BenchPhoto[], iterations: number, progress: Progress, out: OursResult): Promise<void> {
  const stages = new SampleSet();
  const total = 2 * iterations * photos.length;
  let done = 0;
  const before = process.resourceUsage();
  for (let i = 0; i < iterations; i++) {
    for (const photo of photos) {
      const r = await endToEnd(engine, match, photo, DECODE_TO_MATCH);
      for (const [stage, ms] of Object.entries(r.timings)) if (stage !== 'attributes') stages.add(`${photo.kind}:${stage}`, ms);
      stages.add(`${photo.kind}:total`, r.total);
      out.faces[photo.name] = r.faces;
      progress('ours: decode → match', ++done, total);
    }
  }
  const after = process.resourceUsage();
  const runs = iterations * photos.length;
  out.decodeToMatchCost = {
    pageFaults: (after.minorPageFault + after.majorPageFault - before.minorPageFault - before.majorPageFault) / runs,
    cpuMs: (after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1000 / runs,
  };
  for (let i = 0; i < iterations; i++) {
    for (const photo of photos) {
      // What the app's recognizer runs: the same plus Pose, Quality, Emotions and Smile (attribute nets run
      // beside the embedding), and the same without the costliest attribute net, the expression net.
      const full = await endToEnd(engine, match, photo, FULL);
      stages.add(`${photo.kind}:attributes`, full.timings.attributes ?? Number.NaN);
      stages.add(`${photo.kind}:total_full`, full.total);
      stages.add(`${photo.kind}:total_after_full`, (await endToEnd(engine, match, photo, DECODE_TO_MATCH)).total);
      stages.add(`${photo.kind}:total_no_emotions`, (await endToEnd(engine, match, photo, { ...FULL, emotions: false })).total);
      progress('ours: full faces', ++done, total);
    }
  }
  out.stages = stages.toJSON();
}

async function measureLikeForLike(engine: FaceEngine, photos: BenchPhoto[], iterations: number, progress: Progress, out: OursResult): Promise<void> {
  const total = iterations * photos.length;
  let done = 0;
  for (const photo of photos) {
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      await engine.analyze(photo.bytes, { embeddingsOnly: true });
      samples.push(performance.now() - start);
      progress('ours: bytes → embeddings', ++done, total);
    }
    out.perPhoto[photo.name] = samples;
  }
}

/** `callers` loops share one queue of `rounds` passes over the photos; answers photos per second. */
async function throughput(engine: FaceEngine, match: GalleryMatcher, photos: BenchPhoto[], rounds: number, callers: number, progress: Progress, options?: AnalyzeOptions): Promise<number> {
  const queue = Array.from({ length: rounds }, () => photos).flat();
  const total = queue.length;
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < queue.length) {
      const photo = queue[next++]!;
      await endToEnd(engine, match, photo, options);
      progress(`ours: throughput${options === FULL ? ' (full faces)' : ''}, ${callers} caller${callers > 1 ? 's' : ''}`, next, total);
    }
  };
  await Promise.all(Array.from({ length: callers }, worker));
  return total / ((performance.now() - start) / 1000);
}

/** Runs every measurement of our engine; the warm-up pass (each photo, both modes) is excluded. */
export async function benchOurs(photos: BenchPhoto[], iterations: number, intraOpThreads: number | undefined, progress: Progress): Promise<OursResult> {
  const modelDir = path.join(repoRoot, 'models');
  const engine = await createEngine(intraOpThreads === undefined ? { modelDir } : { modelDir, intraOpThreads });
  const match = buildE2eMatcher();
  const out: OursResult = {
    settings: `onnxruntime-node CPU, intraOpThreads ${intraOpThreads ?? 'default'}, JPEGs decoded through ${jpegDecoder}, pixel loops in ${pixelKernelsIn}, match against a synthetic gallery of ${E2E_GALLERY_ROWS} embeddings / ${E2E_GALLERY_PEOPLE} people`,
    stages: {},
    perPhoto: {},
    faces: {},
    photosPerSecond: { callers1: Number.NaN, callers2: Number.NaN, fullCallers2: Number.NaN },
    decodeToMatchCost: { pageFaults: Number.NaN, cpuMs: Number.NaN },
    flipAveraged: { faces: 0, flipRuns: 0 },
    peakRssMb: Number.NaN,
    graphs: { ...engine.graphs },
  };
  try {
    let warm = 0;
    for (const photo of photos) {
      await endToEnd(engine, match, photo, FULL);
      await engine.analyze(photo.bytes, { embeddingsOnly: true });
      progress('ours: warm-up', ++warm, photos.length);
    }
    await measureStages(engine, match, photos, iterations, progress, out);
    await measureLikeForLike(engine, photos, iterations, progress, out);
    const singles = photos.filter((p) => p.kind === ('single' satisfies PhotoKind));
    const rounds = Math.max(2, Math.ceil(iterations / 2));
    out.photosPerSecond.callers1 = await throughput(engine, match, singles, rounds, 1, progress, DECODE_TO_MATCH);
    out.photosPerSecond.callers2 = await throughput(engine, match, singles, rounds, 2, progress, DECODE_TO_MATCH);
    out.photosPerSecond.fullCallers2 = await throughput(engine, match, singles, rounds, 2, progress, FULL);
    out.flipAveraged = match.counts();
    out.peakRssMb = peakRssMb();
  } finally {
    await engine.close();
  }
  return out;
}
