/**
 * Self-healing (issue #21 item 4): a worker thread that dies is started again with the nets it held;
 * while no thread can run a net, health says so and runs wait for the new thread instead of failing.
 */
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LANDMARK_FILE } from './nets/landmarks';
import { engineWorkerHealth, killEngineWorker } from './worker-health';
import { createWorkerHost } from './worker-host';
import type { ModelHost } from './runtime';

const modelDir = process.env.MODEL_DIR ?? resolve(import.meta.dirname, '../../models');
let host: ModelHost | undefined;

afterEach(async () => {
  await host?.close();
  host = undefined;
});

const feed = () => ({ input: { data: new Float32Array(1 * 1 * 64 * 64).fill(0.5), dims: [1, 1, 64, 64] } });

describe('worker host self-healing', () => {
  it('starts a killed thread again with its nets: runs sent meanwhile wait and get the same answers', async () => {
    host = await createWorkerHost({ workers: 1 });
    const model = await host.load(resolve(modelDir, LANDMARK_FILE));
    const output = model.outputNames[0]!;
    const before = (await model.run(feed(), [output]))[output]!;
    expect(engineWorkerHealth()).toEqual({ workers: 1, alive: 1, serving: true });

    expect(killEngineWorker(0)).toBe(true);
    // Sent right after the kill: the only thread is going down, so they wait for its successor.
    const during = Promise.all([model.run(feed(), [output]), model.run(feed(), [output])]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(engineWorkerHealth().serving).toBe(false);
    const answers = await during;
    for (const answer of answers) expect(Buffer.from(answer[output]!.buffer).equals(Buffer.from(before.buffer))).toBe(true);
    expect(engineWorkerHealth()).toEqual({ workers: 1, alive: 1, serving: true });
    // And again: a thread started after a death can die and come back too.
    expect(killEngineWorker(0)).toBe(true);
    expect(Buffer.from((await model.run(feed(), [output]))[output]!.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });

  it('keeps serving from the other thread while one is started again', async () => {
    host = await createWorkerHost({ workers: 2 });
    const model = await host.load(resolve(modelDir, LANDMARK_FILE));
    const output = model.outputNames[0]!;
    expect(killEngineWorker(1)).toBe(true);
    const runs = await Promise.all(Array.from({ length: 8 }, () => model.run(feed(), [output])));
    expect(runs).toHaveLength(8);
    expect(engineWorkerHealth().workers).toBe(2);
  });
});
