/**
 * What is particular to the PostgreSQL back end (the shared contract is in store-contract.test.ts):
 * migrations when many processes start at once, a photo written before its row, the orphan sweep, and
 * scheduled work held by one process at a time. Real PostgreSQL and a real S3-compatible server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../test/support/postgres-server';
import { startS3, type S3Server } from '../../test/support/s3-server';
import { newRecognitionId } from './ids';
import type { ObjectStorage } from './objects';
import { migrate, openPgDatabase, type PgDatabase } from './postgres-db';
import { migrations } from './postgres-migrations';
import { createPostgresObjects } from './postgres-objects';
import { createPostgresStore } from './postgres-store';
import { createS3Objects } from './s3-objects';
import type { NewRecognition } from './types';

const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 9, 9, 0xff, 0xd9]);
const recognition: NewRecognition = {
  recognizer: 'local',
  result: { CelebrityFaces: [], UnrecognizedFaces: [{ BoundingBox: { Width: 0.2, Height: 0.3, Left: 0.1, Top: 0.15 }, Confidence: 99 }] },
  image: { bytes: photo, mimeType: 'image/jpeg', width: 100, height: 100 },
};

let postgres: PostgresServer;
let s3: S3Server;
let databases = 0;
const open: PgDatabase[] = [];

beforeAll(async () => {
  [postgres, s3] = await Promise.all([startPostgres({ settings: { fsync: 'off', synchronous_commit: 'off' } }), startS3()]);
});
afterAll(async () => {
  postgres?.stop();
  await s3?.stop();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
});

function database(url = postgres.createDatabase(`pgstore_${++databases}`)): PgDatabase {
  const db = openPgDatabase({ url, poolMax: 3, connectTimeoutMs: 5_000, idleTimeoutMs: 10_000, statementTimeoutMs: 10_000 });
  open.push(db);
  return db;
}

function s3Objects(): ObjectStorage {
  return createS3Objects({
    bucket: s3.bucket, prefix: `pgstore-${++databases}/`, endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, timeoutMs: 5_000,
    maxAttempts: 2, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
}

async function keys(objects: ObjectStorage, prefix = ''): Promise<string[]> {
  const all: string[] = [];
  for await (const page of objects.list(prefix)) all.push(...page.map((o) => o.key));
  return all.sort();
}

describe('PostgreSQL migrations', () => {
  it('run once when eight processes start on an empty database at the same moment', async () => {
    const url = postgres.createDatabase(`pgstore_${++databases}`);
    const hosts = Array.from({ length: 8 }, () => database(url));
    await Promise.all(hosts.map((db) => db.ready));
    const { rows } = await hosts[0]!.query<{ version: number; n: string }>('SELECT version, count(*) AS n FROM schema_migrations GROUP BY version ORDER BY version');
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, n: '1' })));
    const client = await hosts[1]!.pool.connect();
    try {
      expect(await migrate(client)).toEqual([]);
    } finally {
      client.release();
    }
  });

  it('apply a new version on top, once, and stop at a failing one without recording it', async () => {
    const db = database();
    await db.ready;
    const client = await db.pool.connect();
    try {
      const next = { version: 9001, name: 'test table', sql: 'CREATE TABLE added_later (x int)' };
      expect(await migrate(client, [...migrations, next])).toEqual([9001]);
      expect(await migrate(client, [...migrations, next])).toEqual([]);
      await expect(migrate(client, [...migrations, next, { version: 9002, name: 'broken', sql: 'CREATE TABLE added_later (x int)' }])).rejects.toThrow(/9002/);
      const { rows } = await client.query<{ version: number }>('SELECT max(version) AS version FROM schema_migrations');
      expect(rows[0]?.version).toBe(9001);
    } finally {
      client.release();
    }
  });
});

describe('PostgreSQL store', () => {
  it('writes the photo before its row, and takes it away when the row is refused', async () => {
    const db = database();
    const objects = createPostgresObjects(db);
    const store = createPostgresStore(db, objects);
    await db.ready;
    // The database itself checks the order: a row whose photo is not there yet is refused.
    await db.query(`CREATE FUNCTION photo_first() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM objects WHERE key = NEW.image_key) THEN RAISE EXCEPTION 'row before photo'; END IF;
        IF NEW.recognizer = 'rekognition' THEN RAISE EXCEPTION 'refused for the test'; END IF;
        RETURN NEW;
      END $$`);
    await db.query('CREATE TRIGGER photo_first BEFORE INSERT ON recognitions FOR EACH ROW EXECUTE FUNCTION photo_first()');
    const saved = await store.save(recognition);
    expect((await store.readImage(saved.id))?.bytes).toEqual(photo);
    await expect(store.save({ ...recognition, recognizer: 'rekognition' })).rejects.toThrow(/refused for the test/);
    expect(await keys(objects)).toEqual([`photos/${saved.id}.jpg`]);
  });

  describe.each([
    ['photos in PostgreSQL', (db: PgDatabase) => createPostgresObjects(db)],
    ['photos in S3', () => s3Objects()],
  ])('orphan sweep, %s', (_name, makeObjects) => {
    it('removes objects older than the cut-off whose row never came or is gone, and nothing else', async () => {
      const db = database();
      const objects = makeObjects(db);
      const store = createPostgresStore(db, objects);
      const kept = await store.save(recognition);
      await store.saveThumbnails(kept.id, [new Uint8Array([1])]);
      // A crash between the photo and its row, and one between a row's delete and its objects' delete.
      const neverStored = newRecognitionId();
      await objects.put(`photos/${neverStored}.jpg`, photo, 'image/jpeg');
      const deleted = await store.save(recognition);
      await objects.put(`faces/${deleted.id}/0.jpg`, new Uint8Array([2]), 'image/jpeg');
      await db.query('DELETE FROM recognitions WHERE id = $1', [deleted.id]);
      await objects.put('unrelated/file.txt', new Uint8Array([3]), 'text/plain');

      expect(await store.sweepOrphans!(new Date(Date.now() - 3_600_000))).toBe(0);
      expect(await store.sweepOrphans!(new Date(Date.now() + 5_000))).toBe(3);
      expect(await keys(objects)).toEqual([`faces/${kept.id}/0.jpg`, `photos/${kept.id}.jpg`, 'unrelated/file.txt'].sort());
      expect((await store.readImage(kept.id))?.bytes).toEqual(photo);
    });
  });

  it('keeps photos and face crops in the bucket, not in the database, when S3 is configured', async () => {
    const db = database();
    const objects = s3Objects();
    const store = createPostgresStore(db, objects);
    const saved = await store.save(recognition);
    await store.saveThumbnails(saved.id, [new Uint8Array([5])]);
    expect(await keys(objects)).toEqual([`faces/${saved.id}/0.jpg`, `photos/${saved.id}.jpg`]);
    expect((await db.query('SELECT key FROM objects')).rowCount).toBe(0);
    expect(await store.remove(saved.id)).toBe(true);
    expect(await keys(objects)).toEqual([]);
  });
});

describe('scheduled work', () => {
  it('runs on one process at a time across pools, and again once the holder is done', async () => {
    const url = postgres.createDatabase(`pgstore_${++databases}`);
    const [hostA, hostB] = [database(url), database(url)];
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    const inside = new Promise<void>((done) => (entered = done));
    const ranA = hostA.exclusive('retention', async () => {
      entered();
      await gate;
      return 'a';
    });
    await inside;
    expect(await hostB.exclusive('retention', async () => 'b')).toBeNull();
    expect(await hostB.exclusive('orphan-objects', async () => 'other job')).toBe('other job');
    release();
    expect(await ranA).toBe('a');
    expect(await hostB.exclusive('retention', async () => 'b')).toBe('b');
  });

  it('is released when the holding process dies', async () => {
    const url = postgres.createDatabase(`pgstore_${++databases}`);
    const [hostA, hostB] = [database(url), database(url)];
    await hostA.ready;
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    const inside = new Promise<void>((done) => (entered = done));
    const held = hostA.exclusive('retention', () => (entered(), gate.then(() => 'a')));
    await inside;
    expect(await hostB.exclusive('retention', async () => 'b')).toBeNull();
    // A crashed host: its connection goes away while it holds the job (terminated by the server here).
    await hostB.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()`);
    // The server ends the session (and its locks) a moment after pg_terminate_backend returns.
    let taken: string | null = null;
    for (const started = Date.now(); taken === null && Date.now() - started < 5_000;) {
      taken = await hostB.exclusive('retention', async () => 'b');
      if (taken === null) await new Promise((done) => setTimeout(done, 50));
    }
    expect(taken).toBe('b');
    // The dead connection is not pooled again: the holder's next job gets a live one.
    release();
    expect(await held).toBe('a');
    expect(await hostA.exclusive('retention', async () => 'a again')).toBe('a again');
  });
});
