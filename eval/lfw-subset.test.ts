/** The engine on an LFW subset from ../shared/datasets (override with DATASETS_DIR), with the real models. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type FaceEngine } from '../lib/engine';
import { bestThreshold, centralFace, cosine, parsePairs, type ScoredPair } from './metrics/lfw';

const repoRoot = resolve(import.meta.dirname, '..');
const datasets = process.env.DATASETS_DIR ?? resolve(repoRoot, '../shared/datasets');

let engine: FaceEngine;
beforeAll(async () => {
  engine = await createEngine({ modelDir: resolve(repoRoot, 'models') });
}, 60_000);
afterAll(async () => engine?.close());

describe('LFW subset', () => {
  it('verifies the first 50 matched and 50 mismatched pairs of fold 1 with no detection failure', async () => {
    const lfw = resolve(datasets, 'lfw');
    const pairs = parsePairs(await readFile(resolve(lfw, 'pairs.txt'), 'utf8')).filter((p) => p.fold === 0);
    const subset = [...pairs.filter((p) => p.same).slice(0, 50), ...pairs.filter((p) => !p.same).slice(0, 50)];
    const cache = new Map<string, Float32Array | undefined>();
    for (const rel of new Set(subset.flatMap((p) => [p.a, p.b]))) {
      const r = await engine.analyze(await readFile(resolve(lfw, 'images_deepfunneled', rel)), { embeddingsOnly: true });
      cache.set(rel, centralFace(r.faces, r.width, r.height)?.embedding);
    }
    expect([...cache.values()].filter((e) => !e)).toHaveLength(0);
    const scored: ScoredPair[] = subset.map((p) => ({ fold: 0, same: p.same, score: cosine(cache.get(p.a)!, cache.get(p.b)!) }));
    // One fold, so the threshold is fitted on the subset itself: a sanity bound, not the protocol figure.
    const t = bestThreshold(scored);
    const accuracy = scored.filter((s) => (s.score >= t) === s.same).length / scored.length;
    expect(accuracy).toBeGreaterThanOrEqual(0.98);
  }, 120_000);
});
