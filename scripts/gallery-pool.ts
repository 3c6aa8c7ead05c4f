/**
 * A small pool of worker threads, each with its own FaceEngine, shared by gallery:import and eval:identify.
 * Photos are handed out one at a time so a slow photo never stalls the other worker.
 */
import { Worker } from 'node:worker_threads';
import type { Gender } from '../lib/gallery';

export interface PoolRequest {
  id: number;
  path: string;
  /** Run the attribute nets too (needed for the gender vote); otherwise embeddings only. */
  attributes: boolean;
}

export interface PoolFace {
  box: { x: number; y: number; width: number; height: number };
  /** float32 [512], unit length. */
  embedding: Float32Array;
  gender?: Gender;
  /** Detector score, 0..1. */
  score?: number;
  /** Length of the face's own raw embedding (AnalyzedFace.embeddingNorm). */
  embeddingNorm?: number;
  /** Eyes (image-left first), nose, mouth corners in pixels: what a yaw estimate needs. */
  five?: Array<{ x: number; y: number }>;
}

export type PoolResponse =
  | { id: number; width: number; height: number; faces: PoolFace[] }
  | { id: number; error: string };

export interface EmbeddingPool {
  analyze(path: string, attributes: boolean): Promise<PoolResponse>;
  close(): Promise<void>;
}

const bootstrap = (url: string) =>
  `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); });`;

function startWorker(modelDir: string, intraOpThreads: number): Promise<Worker> {
  const url = new URL('./gallery-worker.ts', import.meta.url).href;
  const worker = new Worker(bootstrap(url), { eval: true, workerData: { modelDir, intraOpThreads } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message) => (message === 'ready' ? resolve(worker) : reject(new Error(`unexpected ${String(message)}`))));
  });
}

/** Starts `workers` threads (each engine with `intraOpThreads` ONNX threads) and resolves once all loaded. */
export async function createEmbeddingPool(modelDir: string, workers = 2, intraOpThreads = 1): Promise<EmbeddingPool> {
  const threads = await Promise.all(Array.from({ length: workers }, () => startWorker(modelDir, intraOpThreads)));
  const idle = [...threads];
  const waiting: Array<(worker: Worker | null) => void> = [];
  let alive = threads.length;
  const pending = new Map<number, (response: PoolResponse) => void>();
  let nextId = 0;
  const release = (worker: Worker) => {
    const next = waiting.shift();
    if (next) next(worker);
    else idle.push(worker);
  };
  for (const worker of threads) {
    worker.on('message', (response: PoolResponse) => {
      pending.get(response.id)?.(response);
      pending.delete(response.id);
      release(worker);
    });
    worker.on('error', (error) => {
      for (const [id, resolve] of pending) resolve({ id, error: `worker failed: ${error.message}` });
      pending.clear();
    });
    worker.on('exit', () => {
      alive -= 1;
      idle.splice(idle.indexOf(worker) >>> 0, 1);
      if (alive === 0) for (const next of waiting.splice(0)) next(null); // nobody left: fail instead of hanging
    });
  }
  return {
    async analyze(path, attributes) {
      const id = nextId++;
      const worker = alive === 0 ? null : (idle.pop() ?? (await new Promise<Worker | null>((resolve) => waiting.push(resolve))));
      if (!worker) return { id, error: 'all embedding workers stopped' };
      return new Promise<PoolResponse>((resolve) => {
        pending.set(id, resolve);
        worker.postMessage({ id, path, attributes } satisfies PoolRequest);
      });
    },
    async close() {
      await Promise.all(threads.map((w) => new Promise<void>((resolve) => { w.once('exit', () => resolve()); w.postMessage('close'); })));
    },
  };
}
