/**
 * Peer (b): @vladmandic/face-api on TensorFlow.js with the WASM backend — what a JavaScript developer would
 * pick. SSD MobileNet v1 detection + 68-point landmarks + 128-d descriptor per face, bytes in, descriptors out.
 * Runs as a child process of bench/engine.ts. Model files and WASM binaries are read from
 * node_modules; nothing is downloaded.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { peakRssMb, reportProgress, runChildMain, type PeerResult } from './child';
import { loadBenchPhotos, repoRoot, type BenchPhoto } from './photos';

const require = createRequire(import.meta.url);
// The node-wasm build binds face-api to @tensorflow/tfjs + tfjs-backend-wasm (no tfjs-node native addon).
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof import('@vladmandic/face-api');
// Same module instances face-api binds to (it re-exports require('@tensorflow/tfjs')); typed fully here.
const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
const tfWasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');

const modelDir = path.join(repoRoot, 'node_modules', '@vladmandic', 'face-api', 'model');
// setWasmPaths takes a URL-ish prefix; in Node a directory path with a trailing slash is read from disk.
const wasmDir = path.join(repoRoot, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + path.sep;

async function setup(): Promise<string> {
  tfWasm.setWasmPaths(wasmDir);
  await tf.setBackend('wasm');
  await tf.ready();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  const threads = tfWasm.getThreadsCount();
  return `tfjs ${tf.version_core} backend=${tf.getBackend()}, threads=${threads}, SSD MobileNet v1 (minConfidence 0.5) + landmark68 + recognition (128-d)`;
}

/** Bytes → descriptors: sharp decode (auto-orient, RGB) into a tensor, then face-api's full chain. */
async function analyze(photo: BenchPhoto): Promise<number> {
  const { data, info } = await sharp(photo.bytes).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const input = tf.tensor3d(new Uint8Array(data.buffer, data.byteOffset, data.length), [info.height, info.width, 3], 'int32');
  try {
    const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 64 });
    const results = await faceapi.detectAllFaces(input as never, options).withFaceLandmarks().withFaceDescriptors();
    return results.length;
  } finally {
    input.dispose();
  }
}

async function run(iterations: number): Promise<PeerResult> {
  const photos = await loadBenchPhotos();
  const settings = await setup();
  const perPhoto: Record<string, number[]> = {};
  const faces: Record<string, number> = {};
  const total = photos.length * (iterations + 1);
  let done = 0;
  for (const photo of photos) {
    await analyze(photo); // warm-up: first call per input size compiles kernels and allocates buffers
    reportProgress(++done, total, `face-api ${photo.name}`);
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      faces[photo.name] = await analyze(photo);
      samples.push(performance.now() - start);
      reportProgress(++done, total, `face-api ${photo.name}`);
    }
    perPhoto[photo.name] = samples;
  }
  return { runtime: 'face-api tfjs-wasm', settings, perPhoto, faces, peakRssMb: peakRssMb() };
}

await runChildMain(run);
