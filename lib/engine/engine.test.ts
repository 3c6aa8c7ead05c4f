/** The engine on real photos from ../shared/datasets (override with DATASETS_DIR), with the real models. */
import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparedFaceSchema } from '../contract/rekognition';
import { createEngine, type FaceEngine, type ImageAnalysis } from '.';

const repoRoot = resolve(import.meta.dirname, '../..');
const datasets = process.env.DATASETS_DIR ?? resolve(repoRoot, '../shared/datasets');
const raw = (p: string) => resolve(datasets, 'raw', p);
/** Cosine similarity of two unit vectors. */
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const knn = 'face_recognition_ageitgey/examples/knn_examples';
const OBAMA = raw(`${knn}/train/obama/obama.jpg`);
/** First four embedding values for obama.jpg, recorded with this pipeline (rounded to 1e-3; area-averaged pyramid levels since 2026-12-03). */
const EMBEDDING_FINGERPRINT = [0.096, 0.004, 0.022, -0.04];

let engine: FaceEngine;
beforeAll(async () => {
  engine = await createEngine({ modelDir: resolve(repoRoot, 'models') });
}, 60_000);
afterAll(async () => engine?.close());

describe('createEngine', () => {
  it('rejects with the file name when a model is missing', async () => {
    await expect(createEngine({ modelDir: '/nonexistent' })).rejects.toThrow(/fr_\w+\.onnx/);
  });

  it('rejects at load when only an attribute net is missing, though those nets load on first use', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-models-'));
    try {
      for (const file of await readdir(resolve(repoRoot, 'models'))) {
        if (file !== 'fr_expression.onnx') await symlink(resolve(repoRoot, 'models', file), join(dir, file));
      }
      await expect(createEngine({ modelDir: dir, netWorkers: 0 })).rejects.toThrow(/fr_expression\.onnx/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('loads the attribute nets only when an analysis asks for attributes (the web path never does)', async () => {
    const lazy = await createEngine({ modelDir: resolve(repoRoot, 'models'), netWorkers: 1 });
    try {
      const bytes = await readFile(OBAMA);
      await lazy.analyze(bytes, { embeddingsOnly: true });
      expect(Object.keys(lazy.graphs).sort()).toEqual(['fr_detect.onnx', 'fr_feature.onnx', 'fr_landmark.onnx']);
      const full = await lazy.analyze(bytes);
      expect(full.faces[0]!.face.Emotions).toHaveLength(7);
      expect(Object.keys(lazy.graphs).sort()).toEqual(['fr_age.onnx', 'fr_detect.onnx', 'fr_expression.onnx', 'fr_feature.onnx', 'fr_gender.onnx', 'fr_landmark.onnx', 'fr_pose.onnx']);
    } finally {
      await lazy.close();
    }
  });
});

describe('engine on real photos', () => {
  it('finds both men in obama_and_biden.jpg, plus the partly hidden girl, with schema-valid faces', async () => {
    const result = await engine.analyze(await readFile(raw(`${knn}/test/obama_and_biden.jpg`)));
    expect(result.faces).toHaveLength(3);
    const [first, second] = result.faces;
    for (const f of [first!, second!]) expect(f.box.y + f.box.height).toBeLessThan(result.height * 0.5);
    for (const f of result.faces) {
      expect(comparedFaceSchema.parse(f.face)).toEqual(f.face);
      expect(f.face.Landmarks?.map((l) => l.Type)).toEqual(expect.arrayContaining(['eyeLeft', 'eyeRight', 'nose', 'mouthLeft', 'mouthRight']));
      expect(f.face.Emotions?.length).toBe(7);
    }
    expect(first!.face.Smile?.Value).toBe(true);
  });

  it('hands over the upright pixels it decoded only when asked (keepPixels), sized as the analysis', async () => {
    const bytes = await readFile(raw(`${knn}/test/obama_and_biden.jpg`));
    const kept = await engine.analyze(bytes, { embeddingsOnly: true, keepPixels: true });
    expect(kept.pixels && [kept.pixels.width, kept.pixels.height, kept.pixels.data.length]).toEqual([kept.width, kept.height, kept.width * kept.height * 3]);
    expect((await engine.analyze(bytes, { embeddingsOnly: true })).pixels).toBeUndefined();
  });

  it('finds no faces in dogs.jpg: the face-space probe, never trained on it, drops the three dogs the detector scores 0.89-0.95', async () => {
    const bytes = await readFile(raw('dlib_examples/examples/faces/dogs.jpg'));
    const found = await engine.analyze(bytes, { embeddingsOnly: true });
    const onDemand = await engine.analyze(bytes, { embeddingsOnly: true, mirrorEmbedding: 'on-demand' });
    expect(found.faces).toHaveLength(0);
    expect(onDemand.faces).toHaveLength(0);
  });

  it('keeps a real face the detector is unsure of and drops blurred lettering the older signs kept (face-space probe)', async () => {
    const laurie = await engine.analyze(await readFile(raw('glint_celebrity_images/Hugh Laurie/3412.png')), { embeddingsOnly: true, mirrorEmbedding: 'on-demand' });
    expect(laurie.faces).toHaveLength(1);
    expect(laurie.faces[0]!.face.Confidence).toBeLessThan(99); // inside the probe's range, so the probe kept it
    const biden = await engine.analyze(await readFile(raw('face_recognition_ageitgey/examples/knn_examples/train/biden/biden2.jpg')), { embeddingsOnly: true });
    expect(biden.faces).toHaveLength(1); // the face, not the 265 px of blurred text the detector scores 0.73
    expect(biden.faces[0]!.face.Confidence).toBeGreaterThan(99);
  });

  it('drops boxes that are not faces: the MADONNA lettering and an ear (the detector scores them 0.72-0.76)', async () => {
    const cover = await engine.analyze(await readFile(raw('five_celebrity_jasmcaus/Resources/Faces/val/madonna/2.jpg')), { embeddingsOnly: true });
    const rick = await engine.analyze(await readFile(raw('opencv4nodejs_twd/data/face-recognition/imgs/rick2.jpg')), { embeddingsOnly: true });
    expect(cover.faces).toHaveLength(1);
    expect(cover.faces[0]!.box.x).toBeLessThan(150); // Madonna's face, not the lettering at the right edge
    expect(rick.faces).toHaveLength(1);
    expect(rick.faces[0]!.box.width).toBeGreaterThan(250); // the face, not the 65 px ear
  });

  it("on demand, gives a sure face's own embedding and exactly the flip-averaged one when asked", async () => {
    const bytes = await readFile(OBAMA);
    const always = (await engine.analyze(bytes, { embeddingsOnly: true })).faces;
    const onDemand = (await engine.analyze(bytes, { embeddingsOnly: true, mirrorEmbedding: 'on-demand' })).faces;
    expect(onDemand).toHaveLength(1);
    expect(always).toHaveLength(1);
    expect(always[0]!.flipAveraged).toBeUndefined();
    const own = onDemand[0]!.embedding;
    expect(cosine(own, always[0]!.embedding)).toBeGreaterThan(0.9);
    expect(cosine(own, always[0]!.embedding)).toBeLessThan(0.9999); // the face alone, not the average
    expect(Array.from(await onDemand[0]!.flipAveraged!())).toEqual(Array.from(always[0]!.embedding));
    // The face's own raw norm (a quality sign for the matcher) is the same either way, and a clear face's is large.
    expect(onDemand[0]!.embeddingNorm).toBeGreaterThan(2);
    expect(onDemand[0]!.embeddingNorm).toBeCloseTo(always[0]!.embeddingNorm!, 4);
    // Unsure boxes still run both embeddings, for the faceness check: rick2.jpg's ear is still dropped.
    const rick = await engine.analyze(await readFile(raw('opencv4nodejs_twd/data/face-recognition/imgs/rick2.jpg')), { embeddingsOnly: true, mirrorEmbedding: 'on-demand' });
    expect(rick.faces.map((f) => f.box.width > 250)).toEqual([true]);
  });

  it('gives the same boxes for a photo stored rotated with an EXIF orientation tag', async () => {
    const upright = await sharp(await readFile(OBAMA)).jpeg({ quality: 95 }).toBuffer();
    // Pixels turned 90° counter-clockwise; orientation 6 tells viewers to turn them back clockwise.
    const tagged = await sharp(upright).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const [a, b] = await Promise.all([engine.analyze(upright, { embeddingsOnly: true }), engine.analyze(tagged, { embeddingsOnly: true })]);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    expect(b.faces).toHaveLength(a.faces.length);
    const tol = a.faces[0]!.box.width * 0.05;
    for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(b.faces[0]!.box[key] - a.faces[0]!.box[key])).toBeLessThan(tol);
    expect(cosine(a.faces[0]!.embedding, b.faces[0]!.embedding)).toBeGreaterThan(0.95);
  });

  it('finds a ~40 px face in a 1920×1080 photo', async () => {
    const small = await sharp(await readFile(OBAMA)).resize({ width: 165 }).toBuffer();
    const canvas = await sharp({ create: { width: 1920, height: 1080, channels: 3, background: '#7a8a99' } })
      .composite([{ input: small, left: 1500, top: 700 }]).jpeg().toBuffer();
    const result = await engine.analyze(canvas, { embeddingsOnly: true });
    expect(result.faces).toHaveLength(1);
    const box = result.faces[0]!.box;
    expect(box.width).toBeGreaterThan(30);
    expect(box.width).toBeLessThan(60);
    expect(box.x).toBeGreaterThan(1500);
    expect(box.y).toBeGreaterThan(700);
  });

  it('finds a face filling the whole frame', async () => {
    const tight = await sharp(await readFile(OBAMA)).extract({ left: 384, top: 100, width: 223, height: 290 }).toBuffer();
    const result = await engine.analyze(tight, { embeddingsOnly: true });
    expect(result.faces).toHaveLength(1);
    expect(result.faces[0]!.box.width).toBeGreaterThan(result.width * 0.6);
  });

  it('puts two photos of one person closer than photos of two people', async () => {
    const embed = async (p: string) => (await engine.analyze(await readFile(raw(p)), { embeddingsOnly: true })).faces[0]!.embedding;
    const [o1, o2, b1] = await Promise.all([embed(`${knn}/train/obama/obama.jpg`), embed(`${knn}/train/obama/obama2.jpg`), embed(`${knn}/train/biden/biden.jpg`)]);
    expect(cosine(o1, o2)).toBeGreaterThan(0.5);
    expect(cosine(o1, b1)).toBeLessThan(0.3);
  });

  it('gives the same results to concurrent calls as to one call at a time', async () => {
    const photos = await Promise.all([OBAMA, raw(`${knn}/train/biden/biden.jpg`)].map((p) => readFile(p)));
    const sequential: ImageAnalysis[] = [];
    for (const p of photos) sequential.push(await engine.analyze(p, { embeddingsOnly: true }));
    const concurrent = await Promise.all([...photos, ...photos].map((p) => engine.analyze(p, { embeddingsOnly: true })));
    concurrent.forEach((r, i) => {
      const s = sequential[i % 2]!;
      expect(r.faces.map((f) => f.box)).toEqual(s.faces.map((f) => f.box));
      expect(Array.from(r.faces[0]!.embedding)).toEqual(Array.from(s.faces[0]!.embedding));
    });
  });

  it('matches the fingerprint recorded for obama.jpg, one figure per net', async () => {
    const [f] = (await engine.analyze(await readFile(OBAMA), { demographics: true })).faces;
    expect(f!.box.x).toBeCloseTo(384.77, 0); // detector
    expect(f!.box.height).toBeCloseTo(329.46, 0);
    const eye = f!.face.Landmarks!.find((l) => l.Type === 'eyeLeft')!; // landmarks
    expect(eye.X).toBeCloseTo(0.48678, 3);
    expect(eye.Y).toBeCloseTo(0.18883, 3);
    expect(Array.from(f!.embedding.slice(0, 4)).map((v) => Math.round(v * 1000) / 1000)).toEqual(EMBEDDING_FINGERPRINT); // embedder
    expect(f!.face.Pose!.Pitch).toBeCloseTo(-15.04, 0); // pose
    expect(f!.age).toBeCloseTo(42.82, 0); // age
    expect(f!.gender).toMatchObject({ value: 'Male' }); // gender
    expect(f!.gender!.confidence).toBeCloseTo(89.85, 0);
    expect(f!.face.Emotions![0]).toMatchObject({ Type: 'HAPPY' }); // expression
    expect(f!.face.Emotions![0]!.Confidence).toBeCloseTo(99.67, 0);
  });

  it('rejects bytes that are not an image', async () => {
    await expect(engine.analyze(new Uint8Array([1, 2, 3, 4]))).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
