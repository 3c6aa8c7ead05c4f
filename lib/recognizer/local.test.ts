/**
 * The local recognizer end to end on real photos: a gallery built with the real engine from a few folders of
 * ../shared/datasets (read at run time, never copied into the repo), then group and stranger photos.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConfig } from '../config';
import { createEngine } from '../engine';
import type { FaceEngine } from '../engine/types';
import { applyPhotoResult, createGallery, pickSubjectFace, saveGallery } from '../gallery';
import { createLocalRecognizer, type LocalRecognizer } from './local';

const repoRoot = resolve(__dirname, '../..');
const datasets = process.env.DATASETS_DIR ?? resolve(repoRoot, '../shared/datasets');
const knn = join(datasets, 'raw/face_recognition_ageitgey/examples/knn_examples');
const lfw = join(datasets, 'lfw/images_deepfunneled');

/** Gallery name → folder of reference photos (at most 3 used per person). */
const people: Record<string, string> = {
  'Barack Obama': join(knn, 'train/obama'),
  'Joe Biden': join(knn, 'train/biden'),
  'Kit Harington': join(knn, 'train/kit_harington'),
  'Rose Leslie': join(knn, 'train/rose_leslie'),
  'Tony Blair': join(lfw, 'Tony_Blair'),
  'Colin Powell': join(lfw, 'Colin_Powell'),
  'Donald Rumsfeld': join(lfw, 'Donald_Rumsfeld'),
  'Gerhard Schroeder': join(lfw, 'Gerhard_Schroeder'),
};

let engine: FaceEngine;
let recognizer: LocalRecognizer;
let galleryDir: string;

beforeAll(async () => {
  galleryDir = await mkdtemp(join(tmpdir(), 'cf-local-recognizer-'));
  engine = await createEngine({ modelDir: resolve(repoRoot, 'models') });
  const gallery = createGallery();
  for (const [name, dir] of Object.entries(people)) {
    for (const file of (await readdir(dir)).sort().slice(0, 3)) {
      const path = join(dir, file);
      const analysis = await engine.analyze(await readFile(path));
      const faces = analysis.faces.map((f) => ({ box: f.box, embedding: f.embedding, gender: f.gender?.value }));
      applyPhotoResult(gallery, { name, path, size: 0, mtimeMs: 0 }, faces.length, pickSubjectFace(faces, analysis.width, analysis.height));
    }
  }
  await saveGallery(galleryDir, gallery);
  // The pack off: these tests are about the matching itself, against a gallery of known content.
  const config = { ...getConfig({ ...process.env, DATA_DIR: galleryDir, MODEL_DIR: resolve(repoRoot, 'models'), CELEBRITY_PACK: 'off' }), GALLERY_PATH: galleryDir };
  recognizer = await createLocalRecognizer(config, engine);
});

afterAll(async () => {
  await engine?.close();
  await rm(galleryDir, { recursive: true, force: true });
});

describe('local recognizer', () => {
  it('tells Obama and Biden apart in obama_and_biden.jpg', async () => {
    const result = await recognizer.recognizeCelebrities(await readFile(join(knn, 'test/obama_and_biden.jpg')));
    const named = result.CelebrityFaces.map((c) => c.Name).sort();
    expect(named).toEqual(['Barack Obama', 'Joe Biden']);
    const [a, b] = result.CelebrityFaces;
    expect(Math.abs(a!.Face.BoundingBox.Left - b!.Face.BoundingBox.Left)).toBeGreaterThan(0.1);
    for (const celebrity of result.CelebrityFaces) {
      expect(celebrity.MatchConfidence).toBeGreaterThan(90);
      expect(celebrity.Id).toMatch(/^[0-9A-Za-z]+$/);
    }
  });

  it('computes Pose, Quality, Emotions and Smile only when asked, with the same names and boxes', async () => {
    const photo = await readFile(join(knn, 'test/obama_and_biden.jpg'));
    const full = await recognizer.recognizeCelebrities(photo);
    const lean = await recognizer.recognizeCelebrities(photo, { attributes: false });
    expect(full.CelebrityFaces[0]!.Face).toHaveProperty('Pose');
    expect(full.CelebrityFaces[0]!.Face).toHaveProperty('Emotions');
    for (const celebrity of lean.CelebrityFaces) expect(Object.keys(celebrity.Face).sort()).toEqual(['BoundingBox', 'Confidence', 'Landmarks']);
    const summary = (r: typeof full) => r.CelebrityFaces.map((c) => [c.Name, c.Face.BoundingBox]);
    expect(summary(lean)).toEqual(summary(full));
  });

  it('names nobody in a photo of an ordinary person', async () => {
    const result = await recognizer.recognizeCelebrities(await readFile(join(datasets, 'raw/five_celebrity_jasmcaus/Resources/Photos/lady.jpg')));
    expect(result.CelebrityFaces).toEqual([]);
    expect(result.UnrecognizedFaces.length).toBeGreaterThanOrEqual(1);
  });

  it('answers celebrity info by id, not_found for an unknown id, and its health', async () => {
    const page = await recognizer.listCelebrities({ query: 'obama' });
    expect(page.items.map((i) => i.name)).toEqual(['Barack Obama']);
    const info = await recognizer.getCelebrityInfo(page.items[0]!.id);
    expect(info).toMatchObject({ Name: 'Barack Obama', Urls: [] });
    await expect(recognizer.getCelebrityInfo('Nobody123')).rejects.toMatchObject({ code: 'not_found' });
    expect(await recognizer.health()).toEqual({ ready: true, celebrities: Object.keys(people).length });
  });
});

describe('local recognizer with the shipped pack and an empty gallery', () => {
  it('names Obama and Biden with no import, and never names someone on the opt-out list', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cf-pack-recognizer-'));
    try {
      const config = getConfig({ ...process.env, DATA_DIR: dataDir, MODEL_DIR: resolve(repoRoot, 'models'), CELEBRITY_PACK: resolve(repoRoot, 'packs/celebrities') });
      const withPack = await createLocalRecognizer(config, engine);
      const photo = await readFile(join(knn, 'test/obama_and_biden.jpg'));
      expect((await withPack.recognizeCelebrities(photo)).CelebrityFaces.map((c) => c.Name).sort()).toEqual(['Barack Obama', 'Joe Biden']);
      expect((await withPack.health()).celebrities).toBeGreaterThan(5_800);

      // LFW's spelling of the name is enough: the pack keeps it as an alias.
      await writeFile(config.GALLERY_OPT_OUT, 'Joseph Biden\n');
      const optedOut = await createLocalRecognizer(config, engine);
      const result = await optedOut.recognizeCelebrities(photo);
      expect(result.CelebrityFaces.map((c) => c.Name)).toEqual(['Barack Obama']);
      expect(result.UnrecognizedFaces.length).toBeGreaterThanOrEqual(1);
      expect([...(await optedOut.optedOutIds())]).toHaveLength(1);
      expect((await optedOut.listCelebrities({ query: 'biden' })).total).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
