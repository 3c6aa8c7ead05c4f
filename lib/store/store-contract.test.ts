/**
 * The RecognitionStore contract, run against every back end: SQLite + files, PostgreSQL with photos in
 * PostgreSQL, and PostgreSQL with photos in an S3-compatible bucket (s3rver through the real AWS SDK).
 * A real PostgreSQL server from Debian's packages is started for this file (test/support/postgres-server.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../test/support/postgres-server';
import { startS3, type S3Server } from '../../test/support/s3-server';
import type { RecognizeCelebritiesResult } from '../contract/rekognition';
import { recognitionIdLength } from './ids';
import { openPgDatabase, type PgDatabase } from './postgres-db';
import type { ObjectStorage } from './objects';
import { createPostgresObjects } from './postgres-objects';
import { createPostgresStore } from './postgres-store';
import { createS3Objects } from './s3-objects';
import { createSqliteStore } from './sqlite-store';
import type { NewRecognition, RecognitionStore } from './types';

const face = { BoundingBox: { Width: 0.2, Height: 0.3, Left: 0.1, Top: 0.15 }, Confidence: 99.1 };
const result: RecognizeCelebritiesResult = {
  CelebrityFaces: [{ Urls: ['www.imdb.com/name/nm0000158'], Name: 'Tom Hanks', Id: '1a2B3c', Face: face, MatchConfidence: 97.5 }],
  UnrecognizedFaces: [{ ...face, BoundingBox: { ...face.BoundingBox, Left: 0.6 } }],
};
const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 0xff, 0xd9]);
const recognition: NewRecognition = {
  recognizer: 'local', result, image: { bytes: photo, mimeType: 'image/jpeg', width: 640, height: 480 }, deleteTokenHash: 'a'.repeat(64),
};

/** One back end: opens a store on fresh storage; `restart` closes it and opens another on the same storage. */
interface Opened {
  store: RecognitionStore;
  restart(): Promise<RecognitionStore>;
  dispose(): Promise<void>;
}

let postgres: PostgresServer;
let s3: S3Server;
let databases = 0;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  // Durability is not under test here (the smoke test kills hosts): a cluster without fsync makes databases fast.
  [postgres, s3] = await Promise.all([startPostgres({ settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } }), startS3()]);
});
afterAll(async () => {
  postgres?.stop();
  await s3?.stop();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function pgSettings(url: string) {
  return { url, poolMax: 4, connectTimeoutMs: 5_000, idleTimeoutMs: 10_000, statementTimeoutMs: 10_000 };
}

function openPostgresBackend(objects: (db: PgDatabase, tag: number) => ObjectStorage): () => Promise<Opened> {
  return async () => {
    const tag = ++databases;
    const url = postgres.createDatabase(`contract_${tag}`);
    let db = openPgDatabase(pgSettings(url));
    const opened: Opened = {
      store: createPostgresStore(db, objects(db, tag)),
      async restart() {
        await db.close();
        db = openPgDatabase(pgSettings(url));
        return createPostgresStore(db, objects(db, tag));
      },
      dispose: () => db.close(),
    };
    return opened;
  };
}

const backends: Array<[string, () => Promise<Opened>]> = [
  ['SQLite + files', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cf-contract-'));
    let store = createSqliteStore(dataDir);
    return {
      store,
      async restart() {
        store.close();
        store = createSqliteStore(dataDir);
        return store;
      },
      async dispose() {
        store.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }],
  ['PostgreSQL, photos in PostgreSQL', openPostgresBackend((db) => createPostgresObjects(db))],
  ['PostgreSQL + S3', openPostgresBackend((_db, tag) => createS3Objects({
    bucket: s3.bucket, prefix: `contract-${tag}/`, endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true,
    timeoutMs: 5_000, maxAttempts: 2, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  }))],
];

describe.each(backends)('RecognitionStore on %s', (_name, open) => {
  async function opened(): Promise<Opened> {
    const backend = await open();
    cleanups.push(() => backend.dispose());
    return backend;
  }

  it('round-trips a result, its photo and its delete-token hash', async () => {
    const { store } = await opened();
    const saved = await store.save(recognition);
    expect(saved.id).toMatch(new RegExp(`^[A-Za-z0-9_-]{${recognitionIdLength}}$`));
    expect(Date.parse(saved.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await store.get(saved.id)).toEqual({
      id: saved.id,
      createdAt: saved.createdAt,
      recognizer: 'local',
      result,
      image: { mimeType: 'image/jpeg', width: 640, height: 480, byteLength: photo.byteLength },
    });
    expect(await store.readImage(saved.id)).toEqual({ bytes: photo, mimeType: 'image/jpeg' });
    expect(await store.getDeleteTokenHash(saved.id)).toBe('a'.repeat(64));
    expect(await store.getDeleteTokenHash((await store.save({ ...recognition, deleteTokenHash: undefined })).id)).toBeNull();
  });

  it('keeps face thumbnails, and deletes and expires them with the result', async () => {
    const { store } = await opened();
    const saved = await store.save(recognition);
    const thumbs = [new Uint8Array([1, 1]), new Uint8Array([2, 2])];
    await store.saveThumbnails(saved.id, thumbs);
    expect(await store.readThumbnail(saved.id, 0)).toEqual(thumbs[0]);
    expect(await store.readThumbnail(saved.id, 1)).toEqual(thumbs[1]);
    expect(await store.readThumbnail(saved.id, 2)).toBeNull();
    expect(await store.remove(saved.id)).toBe(true);
    expect(await store.remove(saved.id)).toBe(false);
    expect(await store.get(saved.id)).toBeNull();
    expect(await store.readImage(saved.id)).toBeNull();
    expect(await store.readThumbnail(saved.id, 0)).toBeNull();
    expect(await store.getDeleteTokenHash(saved.id)).toBeNull();

    const old = await store.save(recognition);
    await store.saveThumbnails(old.id, thumbs);
    expect(await store.removeOlderThan(new Date(Date.now() - 60_000))).toBe(0);
    expect(await store.removeOlderThan(new Date(Date.now() + 1000))).toBe(1);
    expect(await store.get(old.id)).toBeNull();
    await store.saveThumbnails(old.id, thumbs); // the result is gone: nothing is written
    expect(await store.readThumbnail(old.id, 0)).toBeNull();
  });

  it('keeps the face crops given with the result, in its face order', async () => {
    const { store } = await opened();
    const saved = await store.save({ ...recognition, thumbnails: [new Uint8Array([0xff, 1]), new Uint8Array([0xff, 2])] });
    expect(await store.readThumbnail(saved.id, 0)).toEqual(new Uint8Array([0xff, 1]));
    expect(await store.readThumbnail(saved.id, 1)).toEqual(new Uint8Array([0xff, 2]));
    expect(await store.remove(saved.id)).toBe(true);
    expect(await store.readThumbnail(saved.id, 0)).toBeNull();
  });

  it('gives distinct URL-safe ids of 22 characters under concurrent saves', async () => {
    const { store } = await opened();
    const ids = await Promise.all(Array.from({ length: 20 }, () => store.save(recognition).then((r) => r.id)));
    expect(new Set(ids).size).toBe(20);
    for (const id of ids) expect((await store.readImage(id))?.bytes).toEqual(photo);
  });

  it('keeps everything across a restart', async () => {
    const backend = await opened();
    const saved = await backend.store.save(recognition);
    await backend.store.saveThumbnails(saved.id, [new Uint8Array([7])]);
    const second = await backend.restart();
    expect((await second.get(saved.id))?.result).toEqual(result);
    expect((await second.readImage(saved.id))?.bytes).toEqual(photo);
    expect(await second.readThumbnail(saved.id, 0)).toEqual(new Uint8Array([7]));
    expect(await second.getDeleteTokenHash(saved.id)).toBe('a'.repeat(64));
  });

  it('answers null and false for unknown and malformed ids', async () => {
    const { store } = await opened();
    await store.save(recognition);
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', '../recognitions.sqlite', "x' OR '1'='1", '', 'x'.repeat(5000), 'ünïcødé-ünïcødé-ünïcø']) {
      expect(await store.get(id)).toBeNull();
      expect(await store.readImage(id)).toBeNull();
      expect(await store.readThumbnail(id, 0)).toBeNull();
      expect(await store.getDeleteTokenHash(id)).toBeNull();
      expect(await store.remove(id)).toBe(false);
    }
  });

  it('keeps a result\'s lookalikes, and replaces a result with its lookalikes and crops in the new face order', async () => {
    const { store } = await opened();
    const lookalikes = [[{ id: 'Zz9', name: 'Meg Ryan', similarity: 41 }], [{ id: 'Yy8', name: 'Tom Hanks', similarity: 36 }, { id: 'Xx7', name: 'Ryan Gosling', similarity: 33 }]];
    const saved = await store.save({ ...recognition, lookalikes });
    expect((await store.get(saved.id))?.lookalikes).toEqual(lookalikes);
    expect((await store.get((await store.save(recognition)).id))?.lookalikes).toBeUndefined();
    await store.saveThumbnails(saved.id, [new Uint8Array([1]), new Uint8Array([2])]);
    // An admin named the second face: it comes first now, and the crops follow.
    const named = { Urls: [], Name: 'Meg Ryan', Id: 'Zz9', Face: result.UnrecognizedFaces[0]!, MatchConfidence: 99 };
    const replaced = { CelebrityFaces: [named, ...result.CelebrityFaces], UnrecognizedFaces: [] };
    const after = await store.replaceResult(saved.id, { result: replaced, lookalikes: [lookalikes[1]!, lookalikes[0]!], thumbnails: [new Uint8Array([2]), new Uint8Array([1])] });
    expect(after?.result).toEqual(replaced);
    expect((await store.get(saved.id))?.result).toEqual(replaced);
    expect((await store.get(saved.id))?.lookalikes).toEqual([lookalikes[1], lookalikes[0]]);
    expect(await store.readThumbnail(saved.id, 0)).toEqual(new Uint8Array([2]));
    expect(await store.readThumbnail(saved.id, 1)).toEqual(new Uint8Array([1]));
    expect(await store.replaceResult('AAAAAAAAAAAAAAAAAAAAAA', { result })).toBeNull();
    expect(await store.remove(saved.id)).toBe(true);
    expect(await store.replaceResult(saved.id, { result })).toBeNull();
  });

  it('refuses a result that is not Rekognition-shaped, and stores nothing for it', async () => {
    const { store } = await opened();
    const bad = { ...recognition, result: { CelebrityFaces: [{ Name: 'x' }] } as unknown as RecognizeCelebritiesResult };
    await expect(store.save(bad)).rejects.toThrow();
    expect(await store.removeOlderThan(new Date(Date.now() + 1000))).toBe(0);
  });
});
