/**
 * npm run train:face-probe -- <datasets-dir> [--write]
 * Trains the face-space probe (lib/engine/faceness.ts): a logistic regression on the flip-averaged
 * embedding that tells faces from what the detector mistakes for one. The detector's own hard negatives are
 * its low-score boxes (0.05-0.6, ≥ 24 px, away from every likely face, the 6 highest-scoring a photo) on LFW and the raw sets; the
 * positives are sure faces (LFW's central face ≥ 0.9, raw boxes ≥ 0.97). Photos split in two by a hash of
 * their path: one half trains, the other is held out and reported. dogs.jpg is never trained on: it is the
 * test. --write saves weights, bias and limit (the held-out sure faces' lowest score − 0.5) to
 * lib/engine/face-probe-weights.ts. Human summary, then one JSON line.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createFaceChain, decodeImage, DETECTION_THRESHOLD, EMBEDDING_SIZE, faceSpaceScore, type Detection, type FaceProbe } from '../lib/engine';
import { createPhaseProgress } from '../bench/support/progress';

/** Which detector boxes become samples. */
const MINING = {
  /** Detector threshold while mining: low, to collect its near misses. */
  threshold: 0.05,
  /** A negative scores below this, and nothing scoring at least this may overlap it. */
  negativeBelow: 0.6,
  /** Smaller boxes are specks: not what the faceness check must learn. */
  negativeMinPx: 24,
  /** The hardest negatives (highest score) of each photo: bounds the work to ~8 net runs a photo. */
  negativesPerPhoto: 6,
  /** A raw-set box this sure is a face; LFW's central face needs less (its photos are all faces). */
  rawSure: 0.97,
  lfwSure: 0.9,
} as const;
/** Logistic regression: L2 weight, full-batch steps, step size; the limit's margin below the lowest held-out face. */
const FIT = { l2: 1e-4, iterations: 800, step: 10, limitMargin: 0.5 } as const;
const DOGS = 'raw/dlib_examples/examples/faces/dogs.jpg';

type Label = 'face' | 'not-face' | 'dog';
interface Sample {
  file: string;
  label: Label;
  detectorScore: number;
  embedding: Float32Array;
}

async function photosUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((f) => /\.(jpe?g|png)$/i.test(f)).map((f) => join(dir, f)).sort();
}

/** Share of the smaller box covered by the other: any overlap with a likely face rules a negative out. */
function overlap(a: Detection, b: Detection): number {
  const w = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const h = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const area = (d: Detection) => (d.x2 - d.x1) * (d.y2 - d.y1);
  return (w * h) / Math.min(area(a), area(b));
}

const heldOut = (file: string) => (createHash('sha1').update(file).digest()[0]! & 1) === 1;

function train(samples: Sample[]): FaceProbe {
  const weights = new Float64Array(EMBEDDING_SIZE);
  let bias = 0;
  const faces = samples.filter((s) => s.label === 'face').length;
  const others = samples.length - faces;
  // Full-batch gradient descent on the class-balanced logistic loss: deterministic, and 10k × 512 is quick.
  for (let it = 0; it < FIT.iterations; it++) {
    const grad = new Float64Array(EMBEDDING_SIZE);
    let gradBias = 0;
    for (const s of samples) {
      let z = bias;
      for (let k = 0; k < EMBEDDING_SIZE; k++) z += weights[k]! * s.embedding[k]!;
      const y = s.label === 'face' ? 1 : 0;
      const err = (1 / (1 + Math.exp(-z)) - y) * (y ? 0.5 / faces : 0.5 / others);
      for (let k = 0; k < EMBEDDING_SIZE; k++) grad[k]! += err * s.embedding[k]!;
      gradBias += err;
    }
    for (let k = 0; k < EMBEDDING_SIZE; k++) weights[k]! -= FIT.step * (grad[k]! + FIT.l2 * weights[k]!);
    bias -= FIT.step * gradBias;
  }
  return { weights: Float32Array.from(weights), bias, limit: Number.NEGATIVE_INFINITY };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const round = (v: number) => Math.round(v * 1000) / 1000;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { write: { type: 'boolean', default: false } } });
  const datasets = positionals[0];
  if (!datasets) throw new Error('usage: npm run train:face-probe -- <datasets-dir> [--write]');
  const root = resolve(datasets);
  const lfwDir = join(root, 'lfw', 'images_deepfunneled');
  // Every third LFW person's first photo: ~1,900 faces, as many as the raw sets give.
  const lfwPeople = (await readdir(lfwDir)).sort().filter((_, i) => i % 3 === 0);
  const lfwPhotos = await Promise.all(lfwPeople.map(async (p) => join(lfwDir, p, (await readdir(join(lfwDir, p))).sort()[0]!)));
  const rawPhotos = await photosUnder(join(root, 'raw'));
  const photos = [...lfwPhotos, ...rawPhotos];

  const modelDir = resolve(import.meta.dirname, '..', 'models');
  const chain = await createFaceChain({ modelDir, netWorkers: 2 });
  const samples: Sample[] = [];
  const progress = createPhaseProgress();
  let done = 0;
  for (const path of photos) {
    progress.update('mining', done++, photos.length, relative(root, path));
    const file = relative(root, path);
    const img = await decodeImage(new Uint8Array(await readFile(path))).catch(() => null);
    if (!img) continue;
    const found = await chain.detect(img, 64, { threshold: MINING.threshold });
    const likely = found.faces.filter((d) => d.score >= MINING.negativeBelow);
    const isLfw = path.startsWith(lfwDir);
    const picked = found.faces.flatMap((det, rank): Array<{ det: Detection; label: Label }> => {
      if (file === DOGS) return det.score >= DETECTION_THRESHOLD ? [{ det, label: 'dog' }] : [];
      if (isLfw ? rank === 0 && det.score >= MINING.lfwSure : det.score >= MINING.rawSure) return [{ det, label: 'face' }];
      const clear = det.score < MINING.negativeBelow && det.x2 - det.x1 >= MINING.negativeMinPx && !likely.some((l) => overlap(l, det) > 0.05);
      return clear ? [{ det, label: 'not-face' }] : [];
    });
    const negatives = picked.filter((p) => p.label === 'not-face').sort((a, b) => b.det.score - a.det.score).slice(0, MINING.negativesPerPhoto);
    const chosen = [...picked.filter((p) => p.label !== 'not-face'), ...negatives];
    // The engine's own flip-averaged embedding, so the probe sees exactly what faceness.ts will score.
    const embedded = await Promise.all(
      chosen.map(async ({ det, label }): Promise<Sample> => {
        const { embedding } = await chain.embed(img, det, found.levels);
        return { file, label, detectorScore: det.score, embedding };
      }),
    );
    samples.push(...embedded);
  }
  progress.update('mining', photos.length, photos.length, 'done');
  progress.stop();
  await chain.close();

  const trainSet = samples.filter((s) => s.label !== 'dog' && !heldOut(s.file));
  const probe = train(trainSet);
  const scores = (label: Label, held: boolean) => samples.filter((s) => s.label === label && heldOut(s.file) === held).map((s) => faceSpaceScore(s.embedding, probe)).sort((a, b) => a - b);
  const heldFaces = scores('face', true);
  probe.limit = round((heldFaces[0] ?? 0) - FIT.limitMargin);
  const heldOthers = scores('not-face', true);
  const dogs = samples.filter((s) => s.label === 'dog').map((s) => ({ detectorScore: round(s.detectorScore), faceSpace: round(faceSpaceScore(s.embedding, probe)) }));
  const rejected = heldOthers.filter((v) => v < probe.limit).length;

  const count = (label: Label, held: boolean) => samples.filter((s) => s.label === label && heldOut(s.file) === held).length;
  console.log(`trained on ${count('face', false)} faces and ${count('not-face', false)} detector false boxes (${photos.length} photos, half by path hash)`);
  console.log(`held out: ${heldFaces.length} faces, lowest ${round(heldFaces[0] ?? NaN)}, 0.1 % ${round(quantile(heldFaces, 0.001))}, 1 % ${round(quantile(heldFaces, 0.01))}`);
  console.log(`limit ${probe.limit} (lowest held-out face − ${FIT.limitMargin}): rejects ${rejected} of ${heldOthers.length} held-out false boxes (${((100 * rejected) / Math.max(1, heldOthers.length)).toFixed(1)} %)`);
  console.log(`dogs.jpg (never trained on): ${dogs.map((d) => `detector ${d.detectorScore} → face-space ${d.faceSpace}`).join(', ')}`);
  if (values.write) {
    const out = resolve(import.meta.dirname, '..', 'lib', 'engine', 'face-probe-weights.ts');
    await writeFile(
      out,
      `// Written by \`npm run train:face-probe -- ../shared/datasets --write\` (eval/train-face-probe.ts); do not edit.\n` +
        `// A logistic probe on the unit flip-averaged embedding: ${count('face', false)} faces vs ${count('not-face', false)} detector false boxes.\n` +
        `export const FACE_PROBE_BIAS = ${round(probe.bias)};\n` +
        `export const FACE_PROBE_LIMIT = ${probe.limit};\n` +
        `export const FACE_PROBE_WEIGHTS = Float32Array.from([${Array.from(probe.weights, (w) => Number(w.toPrecision(5))).join(', ')}]);\n`,
    );
    console.log(`wrote ${relative(process.cwd(), out)}`);
  }
  console.log(
    JSON.stringify({
      trainFaces: count('face', false),
      trainNotFaces: count('not-face', false),
      heldOutFaces: heldFaces.length,
      heldOutLowestFace: round(heldFaces[0] ?? NaN),
      limit: probe.limit,
      heldOutNotFacesRejected: rejected / Math.max(1, heldOthers.length),
      dogs,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
