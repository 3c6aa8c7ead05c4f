/**
 * Peer (a): the same nine-net engine on onnxruntime-web (WASM), the runtime the vendor's own SDK uses.
 * Like for like by construction: this child process loads OUR engine (lib/engine, every pure pre/post-
 * processing step: decode, tiling, box decoding, NMS, alignment, flip-averaging) and only swaps the runtime,
 * by resolving `onnxruntime-node` to an onnxruntime-web shim (ort-web-hooks.mjs, ort-web-shim.ts).
 * Runs as a child process of bench/engine.ts.
 */
import { register } from 'node:module';
import path from 'node:path';
import { peakRssMb, reportProgress, runChildMain, type PeerResult } from './child';
import { loadBenchPhotos, repoRoot } from './photos';

register('./ort-web-hooks.mjs', import.meta.url);

async function run(iterations: number): Promise<PeerResult> {
  // Imported only after the hook is registered, so the engine's runtime module binds to onnxruntime-web.
  const { createEngine } = await import('../../lib/engine');
  const ortWeb = await import('onnxruntime-web');
  const redirected = (await import('onnxruntime-node')) as unknown as { env: typeof ortWeb.env };
  if (redirected.env.versions.web === undefined) throw new Error('onnxruntime-node was not redirected to onnxruntime-web');
  const photos = await loadBenchPhotos();
  // netWorkers 0: sessions in this thread, where the redirected import applies (the engine's worker threads
  // would load onnxruntime-node itself), as the vendor's SDK runs them.
  const engine = await createEngine({ modelDir: path.join(repoRoot, 'models'), netWorkers: 0 });
  const perPhoto: Record<string, number[]> = {};
  const faces: Record<string, number> = {};
  const total = photos.length * (iterations + 1);
  let done = 0;
  try {
    for (const photo of photos) {
      await engine.analyze(photo.bytes, { embeddingsOnly: true }); // warm-up, excluded
      reportProgress(++done, total, `ort-web ${photo.name}`);
      const samples: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const start = performance.now();
        const analysis = await engine.analyze(photo.bytes, { embeddingsOnly: true });
        samples.push(performance.now() - start);
        faces[photo.name] = analysis.faces.length;
        reportProgress(++done, total, `ort-web ${photo.name}`);
      }
      perPhoto[photo.name] = samples;
    }
  } finally {
    await engine.close();
  }
  const threads = ortWeb.env.wasm.numThreads;
  const settings = `onnxruntime-web ${ortWeb.env.versions.web ?? ''} WASM (SIMD), executionProviders ['wasm'], env.wasm.numThreads left at its default → ${threads}; our engine's pre/post-processing`;
  return { runtime: 'onnxruntime-web (same nets)', settings, perPhoto, faces, peakRssMb: peakRssMb() };
}

await runChildMain(run);
