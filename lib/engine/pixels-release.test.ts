/** The addon's pixel buffers are freed as soon as a photo is done (native/image-kernels/pixels.c), never under a job reading them. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type FaceEngine } from '.';
import { loadNativeAddon, type NativeAddon } from './native';

const repoRoot = resolve(import.meta.dirname, '../..');
const datasets = process.env.DATASETS_DIR ?? resolve(repoRoot, '../shared/datasets');
const PHOTO = resolve(datasets, 'raw/face_recognition_ageitgey/examples/knn_examples/test/obama_and_biden.jpg');

function addon(): Required<NativeAddon> {
  const loaded = loadNativeAddon();
  if (!loaded?.releasePixels || !loaded.livePixelBytes) throw new Error('the addon is not built from current sources (npm ci builds it)');
  return loaded as Required<NativeAddon>;
}

async function decoded() {
  const result = await addon().decode(new Uint8Array(await readFile(PHOTO)), 1e9, 100);
  if (!('data' in result)) throw new Error(`not decoded: ${result.fallback}`);
  return result;
}

describe('releasePixels', () => {
  it('frees a decoded photo at once and detaches it; a second release, or a buffer it did not make, is refused', async () => {
    const before = addon().livePixelBytes();
    const photo = await decoded();
    expect(addon().livePixelBytes() - before).toBe(photo.width * photo.height * 3);
    expect(addon().releasePixels(photo.data)).toBe(true);
    expect(photo.data.length).toBe(0);
    expect(addon().livePixelBytes()).toBe(before);
    expect(addon().releasePixels(photo.data)).toBe(false);
    expect(addon().releasePixels(new Uint8Array(12))).toBe(false);
    // A released buffer is refused by the kernels, not read.
    expect(() => addon().resizeArea(photo.data, photo.width, photo.height, 100, 71)).toThrow(TypeError);
  });

  it('keeps the bytes a resize is still reading until it ends: the same level as without the release', async () => {
    const [a, b] = [await decoded(), await decoded()];
    const reference = await addon().resizeArea(b.data, b.width, b.height, 500, 357);
    const before = addon().livePixelBytes();
    const pending = addon().resizeArea(a.data, a.width, a.height, 500, 357);
    expect(addon().releasePixels(a.data)).toBe(true);
    expect(addon().livePixelBytes()).toBe(before); // still held by the job
    const level = await pending;
    expect(Buffer.from(level).equals(Buffer.from(reference))).toBe(true);
    expect(addon().livePixelBytes()).toBe(before - a.width * a.height * 3 + level.length);
    for (const buffer of [level, reference, b.data]) addon().releasePixels(buffer);
  });
});

describe('the engine and its pixels', () => {
  let engine: FaceEngine;
  beforeAll(async () => {
    engine = await createEngine({ modelDir: resolve(repoRoot, 'models'), netWorkers: 1 });
  }, 60_000);
  afterAll(async () => engine?.close());

  it('holds none of a photo\'s pixels once its analysis is done, and a kept photo\'s only until released', async () => {
    const bytes = new Uint8Array(await readFile(PHOTO));
    await engine.analyze(bytes, { embeddingsOnly: true }); // first run: lazy set-up out of the count
    const before = addon().livePixelBytes();
    const found = await engine.analyze(bytes, { embeddingsOnly: true, mirrorEmbedding: 'on-demand' });
    expect(found.faces.length).toBeGreaterThanOrEqual(2);
    await Promise.all(found.faces.map((face) => face.flipAveraged?.())); // the mirror runs need no pixels
    expect(addon().livePixelBytes()).toBe(before);
    const kept = await engine.analyze(bytes, { embeddingsOnly: true, keepPixels: true });
    expect(addon().livePixelBytes() - before).toBe(kept.width * kept.height * 3);
    kept.pixels!.release();
    expect(addon().livePixelBytes()).toBe(before);
  });
});
