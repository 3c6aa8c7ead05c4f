/**
 * loadModel's files in models/.derived (rewritten graphs, ORT's optimized graphs, graph setting choices): written
 * once, reused, refreshed, optional; each graph setting's saved graph answering as that setting at load.
 */
import { copyFile, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freeDetectorInputSize, opTypeCounts } from './onnx-rewrite';
import * as ort from 'onnxruntime-node';
import { GRAPH_SETTINGS } from './graph-choice';
import { optimizationKey } from './optimized-model';
import { inProcessHost, loadModel, runModel, sessionOptions, type GraphRewrite } from './runtime';
import { createWorkerHost } from './worker-host';

const MODELS = resolve(import.meta.dirname, '../../models');
const DETECT = join(MODELS, 'fr_detect.onnx');
const LANDMARK = join(MODELS, 'fr_landmark.onnx');
/**
 * Rewritten graphs are named <net>.<rewrite id>.<size>-<mtime>.onnx; optimized ones end in
 * .<ORT version>-<CPU hash>.<graph setting>.onnx; graph setting choices in .<ORT version>-<CPU hash>.graph.json.
 */
const isOptimized = (name: string) => GRAPH_SETTINGS.some((setting) => name.endsWith(`.${optimizationKey()}.${setting}.onnx`));
const isRewritten = (name: string) => name.endsWith('.onnx') && !isOptimized(name);

/** The detector's free-size rewrite, counting how often it actually runs. */
function countingRewrite(): GraphRewrite & { runs: number } {
  const rewrite = {
    id: 'free-size-test',
    runs: 0,
    apply(bytes: Uint8Array) {
      rewrite.runs += 1;
      return freeDetectorInputSize(bytes).bytes;
    },
  };
  return rewrite;
}

const dirs: string[] = [];
async function modelDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-derived-'));
  dirs.push(dir);
  await copyFile(DETECT, join(dir, 'fr_detect.onnx'));
  await copyFile(LANDMARK, join(dir, 'fr_landmark.onnx'));
  return dir;
}

/** A fixed 64×64 grey input for the landmark net. */
const landmarkInput = () => Float32Array.from({ length: 64 * 64 }, (_, i) => ((i * 37) % 256) / 256);
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('rewritten graphs kept as files', () => {
  it('rewrites once, loads the file after that, and rewrites again when the model changes', async () => {
    const dir = await modelDir();
    const model = join(dir, 'fr_detect.onnx');
    const rewrite = countingRewrite();
    const host = inProcessHost({ intraOpThreads: 1 });
    try {
      const first = await loadModel(model, host, { rewrite });
      expect(first.outputNames).toEqual(['scores', 'locations']);
      const derived = (await readdir(join(dir, '.derived'))).filter(isRewritten);
      expect(derived).toHaveLength(1);
      expect(derived[0]).toMatch(/^fr_detect\.free-size-test\.\d+-\d+\.onnx$/);
      const second = await loadModel(model, host, { rewrite });
      expect(second.outputNames).toEqual(['scores', 'locations']);
      expect(rewrite.runs).toBe(1);
      await utimes(model, new Date(), new Date(Date.now() + 60_000)); // a new model file
      await loadModel(model, host, { rewrite });
      expect(rewrite.runs).toBe(2);
      expect((await readdir(join(dir, '.derived'))).filter(isRewritten)).toHaveLength(2);
    } finally {
      await host.close();
    }
  });

  it('loads the rewritten bytes from memory when the folder cannot hold .derived', async () => {
    const dir = await modelDir();
    await writeFile(join(dir, '.derived'), 'not a folder');
    const rewrite = countingRewrite();
    const host = inProcessHost({ intraOpThreads: 1 });
    try {
      const model = await loadModel(join(dir, 'fr_detect.onnx'), host, { rewrite });
      expect(model.outputNames).toEqual(['scores', 'locations']);
      expect(rewrite.runs).toBe(1);
    } finally {
      await host.close();
    }
  });
});

describe("ORT's optimized graphs kept as files", () => {
  it('saves the optimized graph once, and the net loaded from it answers exactly as one optimized at load', async () => {
    const dir = await modelDir();
    const model = join(dir, 'fr_landmark.onnx');
    const host = inProcessHost({ intraOpThreads: 1 });
    const reference = await ort.InferenceSession.create(LANDMARK, sessionOptions(1));
    try {
      const loaded = await loadModel(model, host);
      const saved = (await readdir(join(dir, '.derived'))).filter(isOptimized);
      expect(saved).toEqual([expect.stringMatching(/^fr_landmark\.\d+-\d+\.ort[\d.]+-[0-9a-f]{10}\.all\.onnx$/)]);
      const savedAt = (await stat(join(dir, '.derived', saved[0]!))).mtimeMs;
      const out = (await runModel(loaded, { input: { data: landmarkInput(), dims: [1, 1, 64, 64] } }, ['output'])).output;
      const expected = (await reference.run({ input: new ort.Tensor('float32', landmarkInput(), [1, 1, 64, 64]) })).output!.data as Float32Array;
      expect(out).toHaveLength(136);
      expect(Array.from(out)).toEqual(Array.from(expected));
      await loadModel(model, host);
      expect((await stat(join(dir, '.derived', saved[0]!))).mtimeMs).toBe(savedAt); // reused, not written again
    } finally {
      await reference.release();
      await host.close();
    }
  });

  it('drops a damaged optimized graph, still loads the net, and saves a good graph again', async () => {
    const dir = await modelDir();
    const model = join(dir, 'fr_landmark.onnx');
    const host = inProcessHost({ intraOpThreads: 1 });
    try {
      await loadModel(model, host);
      const saved = join(dir, '.derived', (await readdir(join(dir, '.derived'))).find(isOptimized)!);
      await writeFile(saved, 'not an onnx model');
      const loaded = await loadModel(model, host);
      const out = (await runModel(loaded, { input: { data: landmarkInput(), dims: [1, 1, 64, 64] } }, ['output'])).output;
      expect(out.every(Number.isFinite)).toBe(true);
      await loadModel(model, host);
      expect((await readFile(saved)).length).toBeGreaterThan(1_000_000);
    } finally {
      await host.close();
    }
  });

  it('optimizes at load when the folder cannot hold .derived', async () => {
    const dir = await modelDir();
    await writeFile(join(dir, '.derived'), 'not a folder');
    const host = inProcessHost({ intraOpThreads: 1 });
    try {
      const loaded = await loadModel(join(dir, 'fr_landmark.onnx'), host);
      expect((await runModel(loaded, { input: { data: landmarkInput(), dims: [1, 1, 64, 64] } }, ['output'])).output).toHaveLength(136);
    } finally {
      await host.close();
    }
  });
});

describe('graph settings per net (graph-choice.ts)', () => {
  const landmarkFeed = () => ({ input: { data: landmarkInput(), dims: [1, 1, 64, 64] } });
  const reference = async (setting: (typeof GRAPH_SETTINGS)[number]) => {
    const session = await ort.InferenceSession.create(LANDMARK, sessionOptions(1, setting));
    try {
      return Array.from((await session.run({ input: new ort.Tensor('float32', landmarkInput(), [1, 1, 64, 64]) })).output!.data as Float32Array);
    } finally {
      await session.release();
    }
  };

  it("saves each setting's optimized graph, which answers bit for bit as that setting optimized at load", async () => {
    const dir = await modelDir();
    for (const setting of GRAPH_SETTINGS) {
      const host = inProcessHost({ intraOpThreads: 1, graphPolicy: setting });
      try {
        const loaded = await loadModel(join(dir, 'fr_landmark.onnx'), host, { probe: { name: 'input', dims: [1, 1, 64, 64] } });
        expect(loaded.graph).toEqual({ setting, timingsMs: {}, source: 'forced' });
        const saved = (await readdir(join(dir, '.derived'))).find((name) => name.endsWith(`.${optimizationKey()}.${setting}.onnx`));
        expect(saved).toBeDefined();
        // The setting took effect: only 'all' converts back from ORT's NCHWc layout.
        expect(opTypeCounts(new Uint8Array(await readFile(join(dir, '.derived', saved!)))).ReorderOutput !== undefined).toBe(setting === 'all');
        expect(Array.from((await runModel(loaded, landmarkFeed(), ['output'])).output)).toEqual(await reference(setting));
      } finally {
        await host.close();
      }
    }
  });

  it('auto: times the candidates on the probe input once, keeps the choice, and reads it at the next load', async () => {
    const dir = await modelDir();
    const host = inProcessHost({ intraOpThreads: 1 });
    const probe = { name: 'input', dims: [1, 1, 64, 64] };
    try {
      const first = await loadModel(join(dir, 'fr_landmark.onnx'), host, { probe });
      expect(first.graph?.source).toBe('measured');
      expect(Object.keys(first.graph!.timingsMs).sort()).toEqual([...GRAPH_SETTINGS].sort());
      const stored = (await readdir(join(dir, '.derived'))).filter((name) => name.endsWith('.graph.json'));
      expect(stored).toEqual([expect.stringMatching(new RegExp(`^fr_landmark\\.\\d+-\\d+\\.${optimizationKey().replaceAll('.', '\\.')}\\.graph\\.json$`))]);
      const second = await loadModel(join(dir, 'fr_landmark.onnx'), host, { probe });
      expect(second.graph).toEqual({ ...first.graph, source: 'stored' });
      expect((await readdir(join(dir, '.derived'))).filter((name) => name.endsWith(`.${first.graph!.setting}.onnx`))).toHaveLength(1);
      // Without a probe input a net is not timed: it runs at the default.
      expect((await loadModel(join(dir, 'fr_detect.onnx'), host)).graph).toEqual({ setting: 'all', timingsMs: {}, source: 'default' });
    } finally {
      await host.close();
    }
  });

  it('auto in a read-only model folder: the rewritten graph is timed from a temporary copy at every start', async () => {
    const dir = await modelDir();
    await writeFile(join(dir, '.derived'), 'not a folder');
    const host = inProcessHost({ intraOpThreads: 1 });
    try {
      const loaded = await loadModel(join(dir, 'fr_detect.onnx'), host, { rewrite: countingRewrite(), probe: { name: 'input', dims: [1, 3, 240, 320] } });
      expect(loaded.graph?.source).toBe('measured');
      expect(Object.keys(loaded.graph!.timingsMs).sort()).toEqual([...GRAPH_SETTINGS].sort());
      expect(loaded.outputNames).toEqual(['scores', 'locations']);
    } finally {
      await host.close();
    }
  });

  it('runs the chosen setting in a worker when the model folder cannot keep the saved graph (a temporary one is loaded)', async () => {
    const dir = await modelDir();
    await writeFile(join(dir, '.derived'), 'not a folder');
    const host = { ...(await createWorkerHost({ workers: 1 })), graphPolicy: 'extended' as const };
    try {
      const loaded = await loadModel(join(dir, 'fr_landmark.onnx'), host);
      expect(loaded.graph?.setting).toBe('extended');
      expect(Array.from((await runModel(loaded, landmarkFeed(), ['output'])).output)).toEqual(await reference('extended'));
    } finally {
      await host.close();
    }
  });
});
