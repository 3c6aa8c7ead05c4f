/**
 * A fixed workload timed before and after our engine's runs, so a reader can tell a slow host from slow
 * code: this box's speed swings by up to 1.7× within an hour (neighbours on the same physical cores), and
 * the latency figures swing with it. The workload is one run of the embedding net on one thread with a
 * fixed input, the engine's most common inference. A child process of bench/engine.ts, so its
 * session stays out of the engine's RSS figure.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from '../../lib/engine/runtime';
import { runChildMain } from './child';
import { repoRoot } from './photos';
import { summarize } from './stats';

export interface HostReference {
  /** p50 and fastest ms of one embedding-net run, one thread. */
  p50: number;
  min: number;
}

async function run(runs: number): Promise<HostReference> {
  const session = await ort.InferenceSession.create(path.join(repoRoot, 'models', 'fr_feature.onnx'), sessionOptions(1));
  try {
    const input = session.inputNames[0] ?? 'input';
    const feeds = { [input]: new ort.Tensor('float32', new Float32Array(3 * 112 * 112).fill(0.25), [1, 3, 112, 112]) };
    for (let i = 0; i < 10; i++) await session.run(feeds);
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await session.run(feeds);
      samples.push(performance.now() - start);
    }
    const s = summarize(samples);
    return { p50: s.p50, min: s.min };
  } finally {
    await session.release();
  }
}

await runChildMain(run);
