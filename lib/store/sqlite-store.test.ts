import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecognizeCelebritiesResult } from '../contract/rekognition';
import { recognitionIdLength } from './ids';
import { createSqliteStore } from './sqlite-store';
import type { NewRecognition } from './types';

const face = { BoundingBox: { Width: 0.2, Height: 0.3, Left: 0.1, Top: 0.15 }, Confidence: 99.1 };
const result: RecognizeCelebritiesResult = {
  CelebrityFaces: [{ Urls: ['www.imdb.com/name/nm0000158'], Name: 'Tom Hanks', Id: '1a2B3c', Face: face, MatchConfidence: 97.5 }],
  UnrecognizedFaces: [{ ...face, BoundingBox: { ...face.BoundingBox, Left: 0.6 } }],
};
const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 0xff, 0xd9]);
const recognition: NewRecognition = { recognizer: 'local', result, image: { bytes: photo, mimeType: 'image/jpeg', width: 640, height: 480 } };

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cf-store-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('createSqliteStore', () => {
  it('round-trips a result and its photo', async () => {
    const store = createSqliteStore(dataDir);
    const saved = await store.save(recognition);
    expect(await store.get(saved.id)).toEqual({
      id: saved.id,
      createdAt: saved.createdAt,
      recognizer: 'local',
      result,
      image: { mimeType: 'image/jpeg', width: 640, height: 480, byteLength: photo.byteLength },
    });
    expect(await store.readImage(saved.id)).toEqual({ bytes: photo, mimeType: 'image/jpeg' });
    store.close();
  });

  it('keeps face thumbnails beside the photo, and deletes and expires them with it', async () => {
    const store = createSqliteStore(dataDir);
    const files = async () => (await readdir(join(dataDir, 'images'), { recursive: true })).filter((f) => f.endsWith('.jpg')).length;
    const saved = await store.save(recognition);
    const thumbs = [new Uint8Array([1, 1]), new Uint8Array([2, 2])];
    await store.saveThumbnails(saved.id, thumbs);
    expect(await store.readThumbnail(saved.id, 1)).toEqual(thumbs[1]);
    expect(await store.readThumbnail(saved.id, 2)).toBeNull();
    expect(await files()).toBe(3);
    expect(await store.remove(saved.id)).toBe(true);
    expect(await files()).toBe(0);

    const old = await store.save(recognition);
    await store.saveThumbnails(old.id, thumbs);
    expect(await store.removeOlderThan(new Date(Date.now() + 1000))).toBe(1);
    expect(await files()).toBe(0);
    await store.saveThumbnails(old.id, thumbs); // the result is gone: nothing is written
    expect(await files()).toBe(0);
    store.close();
  });

  it('gives distinct URL-safe ids of 22 characters', async () => {
    const store = createSqliteStore(dataDir);
    const ids = await Promise.all(Array.from({ length: 20 }, () => store.save(recognition).then((r) => r.id)));
    expect(new Set(ids).size).toBe(20);
    for (const id of ids) expect(id).toMatch(new RegExp(`^[A-Za-z0-9_-]{${recognitionIdLength}}$`));
    store.close();
  });

  it('keeps everything across a restart', async () => {
    const first = createSqliteStore(dataDir);
    const saved = await first.save(recognition);
    first.close();
    const second = createSqliteStore(dataDir);
    expect((await second.get(saved.id))?.result).toEqual(result);
    expect((await second.readImage(saved.id))?.bytes).toEqual(photo);
    second.close();
  });

  it('answers null for unknown and malformed ids without touching the file system', async () => {
    const store = createSqliteStore(dataDir);
    await store.save(recognition);
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', '../recognitions.sqlite', '', 'x'.repeat(5000), 'ünïcødé-ünïcødé-ünïcø']) {
      expect(await store.get(id)).toBeNull();
      expect(await store.readImage(id)).toBeNull();
    }
    store.close();
  });

  it('leaves no temporary files behind and uses WAL', async () => {
    const store = createSqliteStore(dataDir);
    const saved = await store.save(recognition);
    const folder = join(dataDir, 'images', saved.id.slice(0, 2));
    expect(await readdir(folder)).toEqual([`${saved.id}.jpg`]);
    expect(await readdir(dataDir)).toContain('recognitions.sqlite-wal');
    store.close();
  });

  it('refuses a result that is not Rekognition-shaped', async () => {
    const store = createSqliteStore(dataDir);
    const bad = { ...recognition, result: { CelebrityFaces: [{ Name: 'x' }] } as unknown as RecognizeCelebritiesResult };
    await expect(store.save(bad)).rejects.toThrow();
    store.close();
  });
});
