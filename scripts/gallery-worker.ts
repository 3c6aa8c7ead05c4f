/**
 * Worker thread of the embedding pool (scripts/gallery-pool.ts): one FaceEngine per thread with one ONNX
 * Runtime intra-op thread, so two workers keep both cores busy without oversubscribing them.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine } from '../lib/engine';
import type { PoolFace, PoolRequest, PoolResponse } from './gallery-pool';

/** The five points PoolFace.five carries, in its order. */
const FIVE = ['eyeLeft', 'eyeRight', 'nose', 'mouthLeft', 'mouthRight'] as const;

const port = parentPort;
if (!port) throw new Error('gallery-worker must run as a worker thread');
const { modelDir, intraOpThreads } = workerData as { modelDir: string; intraOpThreads: number };
// netWorkers 0: this thread is already one of the pool's workers.
const engine = await createEngine({ modelDir, intraOpThreads, netWorkers: 0 });

async function handle(request: PoolRequest): Promise<PoolResponse> {
  try {
    const bytes = await readFile(request.path);
    const analysis = await engine.analyze(bytes, request.attributes ? { emotions: false, demographics: true } : { embeddingsOnly: true });
    const faces: PoolFace[] = analysis.faces.map((f) => ({
      box: f.box,
      embedding: f.embedding,
      gender: f.gender?.value,
      score: (f.face.Confidence ?? 0) / 100,
      ...(f.embeddingNorm !== undefined ? { embeddingNorm: f.embeddingNorm } : {}),
      five: FIVE.flatMap((type) => {
        const l = f.face.Landmarks?.find((m) => m.Type === type);
        return l ? [{ x: l.X * analysis.width, y: l.Y * analysis.height }] : [];
      }),
    }));
    return { id: request.id, width: analysis.width, height: analysis.height, faces };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

port.on('message', (request: PoolRequest | 'close') => {
  if (request === 'close') {
    void engine.close().then(() => port.close());
    return;
  }
  void handle(request).then((response) => {
    const transfer = 'faces' in response ? response.faces.map((f) => f.embedding.buffer as ArrayBuffer) : [];
    port.postMessage(response, transfer);
  });
});
port.postMessage('ready');
