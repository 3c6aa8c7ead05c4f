import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecognizeCelebritiesResult } from '../contract/rekognition';
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

// What every back end must do is in store-contract.test.ts; here, what is particular to SQLite + files.
describe('createSqliteStore', () => {
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

  it('leaves no temporary files behind and uses WAL', async () => {
    const store = createSqliteStore(dataDir);
    const saved = await store.save(recognition);
    const folder = join(dataDir, 'images', saved.id.slice(0, 2));
    expect(await readdir(folder)).toEqual([`${saved.id}.jpg`]);
    expect(await readdir(dataDir)).toContain('recognitions.sqlite-wal');
    store.close();
  });
});

describe('nothing left behind (issue #21)', () => {
  const imagesOf = async () => (await readdir(join(dataDir, 'images'), { recursive: true })).filter((f) => f.endsWith('.jpg') || f.includes('.tmp-')).sort();

  it('writes the face crops with the photo, before the row', async () => {
    const store = createSqliteStore(dataDir);
    const crops = [new Uint8Array([1, 1]), new Uint8Array([2, 2])];
    const saved = await store.save({ ...recognition, thumbnails: crops });
    expect(await store.readThumbnail(saved.id, 0)).toEqual(crops[0]);
    expect(await store.readThumbnail(saved.id, 1)).toEqual(crops[1]);
    store.close();
  });

  it('never reports a delete done while a file stays: the result is hidden at once, the removal retried until the file is gone', async () => {
    const store = createSqliteStore(dataDir);
    const saved = await store.save({ ...recognition, thumbnails: [new Uint8Array([1])] });
    const photo = join(dataDir, 'images', saved.id.slice(0, 2), `${saved.id}.jpg`);
    // A file that cannot be unlinked, even by root: a non-empty directory where the photo was.
    await rm(photo);
    await mkdir(photo);
    await writeFile(join(photo, 'pinned'), 'x');
    await expect(store.remove(saved.id)).rejects.toMatchObject({ code: 'delete_incomplete', status: 503 });
    expect(await store.get(saved.id)).toBeNull();
    expect(await store.readImage(saved.id)).toBeNull();
    expect(await store.readThumbnail(saved.id, 0)).toBeNull();
    // The owner can still retry the DELETE (the token stays), and it fails the same way while the file stays.
    expect(await store.getDeleteTokenHash(saved.id)).toBe(recognition.deleteTokenHash ?? null);
    await expect(store.remove(saved.id)).rejects.toMatchObject({ code: 'delete_incomplete' });
    expect(await store.sweepOrphans!(new Date(0))).toBe(0);
    await rm(photo, { recursive: true });
    expect(await store.sweepOrphans!(new Date(0))).toBe(1);
    expect(await store.remove(saved.id)).toBe(false);
    expect(await imagesOf()).toEqual([]);
    store.close();
  });

  it('sweeps photos and crops without a row and stale temporary files, only once older than the cut-off', async () => {
    const store = createSqliteStore(dataDir);
    const kept = await store.save({ ...recognition, thumbnails: [new Uint8Array([1])] });
    const folder = join(dataDir, 'images', 'Zz');
    await mkdir(folder, { recursive: true });
    const orphan = 'Zz00000000000000000000';
    for (const name of [`${orphan}.jpg`, `${orphan}.face0.jpg`, '.tmp-0011223344556677', '.tmp-fresh000000000000']) await writeFile(join(folder, name), 'x');
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const name of [`${orphan}.jpg`, `${orphan}.face0.jpg`, '.tmp-0011223344556677']) await utimes(join(folder, name), hourAgo, hourAgo);
    expect(await store.sweepOrphans!(new Date(Date.now() - 15 * 60_000))).toBe(3);
    expect(await imagesOf()).toEqual([`${kept.id.slice(0, 2)}/${kept.id}.face0.jpg`, `${kept.id.slice(0, 2)}/${kept.id}.jpg`, 'Zz/.tmp-fresh000000000000'].sort());
    store.close();
  });
});
