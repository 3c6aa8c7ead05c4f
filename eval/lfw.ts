/**
 * npm run eval:lfw -- <lfw-dir> [--folds N] [--limit N] [--workers N]
 * Standard LFW verification: 10 folds of pairs.txt, threshold chosen on 9 folds and applied to the 10th,
 * images from <lfw-dir>/images_deepfunneled. `--folds` keeps the first N folds, `--limit` the first N
 * matched and N mismatched pairs of each fold (quick subsets). Human summary, then one JSON line.
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createEngine } from '../lib/engine';
import { centralFace, cosine, kFoldAccuracy, parsePairs, tarAtFar, type LfwPair, type ScoredPair } from './metrics/lfw';
import { decodePackRows, encodePackRows } from '../lib/gallery';

function selectPairs(all: LfwPair[], folds: number, limit: number): LfwPair[] {
  const kept: LfwPair[] = [];
  const seen = new Map<string, number>();
  for (const p of all) {
    if (p.fold >= folds) continue;
    const key = `${p.fold}:${p.same}`;
    const n = seen.get(key) ?? 0;
    if (n >= limit) continue;
    seen.set(key, n + 1);
    kept.push(p);
  }
  return kept;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'pack-storage': { type: 'boolean', default: false }, folds: { type: 'string', default: '10' }, limit: { type: 'string', default: '300' }, workers: { type: 'string', default: '2' } },
  });
  const dir = positionals[0];
  if (!dir) throw new Error('usage: npm run eval:lfw -- <lfw-dir> [--folds N] [--limit N]');
  const folds = Number(values.folds);
  const limit = Number(values.limit);
  if (!(folds >= 2) || !(limit >= 1)) throw new Error('--folds must be ≥ 2 and --limit ≥ 1');
  const pairs = selectPairs(parsePairs(await readFile(join(dir, 'pairs.txt'), 'utf8')), folds, limit);
  const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const repoRoot = resolve(import.meta.dirname, '..');
  const engine = await createEngine({ modelDir: join(repoRoot, 'models'), netWorkers: Number(values.workers) });

  const embeddings = new Map<string, Float32Array | null>();
  const failures: string[] = [];
  const bar = new cliProgress.SingleBar({ format: 'LFW {bar} {value}/{total} images | {rate}/s | ETA {eta}s', etaBuffer: 200, noTTYOutput: true, notTTYSchedule: 10_000 }, cliProgress.Presets.shades_classic);
  bar.start(images.length, 0, { rate: '0' });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  for (const [i, rel] of images.entries()) {
    const analysis = await engine.analyze(await readFile(join(dir, 'images_deepfunneled', rel)), { embeddingsOnly: true });
    const face = centralFace(analysis.faces, analysis.width, analysis.height);
    embeddings.set(rel, face?.embedding ?? null);
    if (!face) failures.push(rel);
    bar.update(i + 1, { rate: ((i + 1) / ((performance.now() - started) / 1000)).toFixed(1) });
  }
  bar.stop();
  const msPerImage = (performance.now() - started) / images.length;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMsPerImage = (cpu.user + cpu.system) / 1000 / images.length;
  await engine.close();

  const scorePairs = (stored: (e: Float32Array) => Float32Array): ScoredPair[] => pairs.map((p) => {
    const a = embeddings.get(p.a);
    const b = embeddings.get(p.b);
    return { fold: p.fold, same: p.same, score: a && b ? cosine(stored(a), b) : -1 };
  });
  // --pack-storage: the first photo of each pair as the celebrity pack stores it (int8, read back as a unit row),
  // reported beside float32 from the same embeddings.
  if (values['pack-storage']) {
    const int8 = scorePairs((e) => decodePackRows(encodePackRows(e, e.length), e.length));
    const packed = kFoldAccuracy(int8);
    console.log(`  pack storage (int8 gallery side): accuracy ${(packed.accuracy * 100).toFixed(2)} % ± ${(packed.accuracyStd * 100).toFixed(2)}, TAR @ FAR 1e-3 ${(tarAtFar(int8, 1e-3) * 100).toFixed(2)} %`);
  }
  const scored = scorePairs((e) => e);
  const { accuracy, accuracyStd, thresholds } = kFoldAccuracy(scored);
  const tar = tarAtFar(scored, 1e-3);
  const meanThreshold = thresholds.reduce((s, t) => s + t, 0) / thresholds.length;
  console.log(`LFW verification: ${pairs.length} pairs in ${folds} folds, ${images.length} images`);
  console.log(`  accuracy ${(accuracy * 100).toFixed(2)} % ± ${(accuracyStd * 100).toFixed(2)} (mean fold threshold ${meanThreshold.toFixed(3)} cosine)`);
  console.log(`  TAR @ FAR 1e-3: ${(tar * 100).toFixed(2)} %`);
  console.log(`  detection failures: ${failures.length}${failures.length ? ` (${failures.slice(0, 10).join(', ')})` : ''}`);
  console.log(`  ${msPerImage.toFixed(1)} ms per image wall, ${cpuMsPerImage.toFixed(1)} ms CPU (decode + detect + landmarks + align + flip-averaged embedding; load average ${loadavg()[0]!.toFixed(1)})`);
  const round = (x: number) => Math.round(x * 1e5) / 1e5;
  console.log(JSON.stringify({ accuracy: round(accuracy), accuracyStd: round(accuracyStd), tarAtFar1e3: round(tar), detectionFailures: failures.length, msPerImage: Math.round(msPerImage * 10) / 10 }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
