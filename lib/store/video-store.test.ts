/**
 * The VideoStore contract, run against every back end: SQLite + files (one host), PostgreSQL with the
 * video in PostgreSQL (object_chunks), and PostgreSQL with the video in an S3-compatible bucket (s3rver
 * through the real AWS SDK). A real PostgreSQL server from Debian's packages is started for this file
 * (test/support/postgres-server.ts). "Two hosts" are two stores on the same storage: two SQLite connections
 * to one file, or two pools to one database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../test/support/postgres-server';
import { startS3, type S3Server } from '../../test/support/s3-server';
import type { VideoProbe } from '../video/ffmpeg';
import type { ObjectStorage } from './objects';
import { openPgDatabase, type PgDatabase } from './postgres-db';
import { createPostgresObjects } from './postgres-objects';
import { createPostgresVideoStore } from './postgres-video-store';
import { createS3Objects } from './s3-objects';
import { createSqliteVideoStore } from './video-store';
import type { VideoStore } from './video-types';

const metadata: VideoProbe = { container: 'mp4', format: 'mov,mp4,m4a,3gp,3g2,mj2', codec: 'h264', durationMs: 10_000, width: 640, height: 360, frameRate: 25, colorRange: 'LIMITED' };
const poster = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
/** Larger than an S3 multipart part (8 MiB) and many PostgreSQL chunks (1 MiB), not a multiple of either. */
const BIG = 9 * 1024 * 1024 + 12_345;

interface Backend {
  /** A store on this back end's shared storage, as one host (or process) sees it. */
  open(): VideoStore;
  /** The objects of a PostgreSQL back end (null for SQLite + files). */
  objects: ObjectStorage | null;
  db: PgDatabase | null;
  dataDir: string;
}

let postgres: PostgresServer;
let s3: S3Server;
let databases = 0;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  [postgres, s3] = await Promise.all([startPostgres({ settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } }), startS3()]);
});
afterAll(async () => {
  postgres?.stop();
  await s3?.stop();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-video-store-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function pool(url: string): PgDatabase {
  const db = openPgDatabase({ url, poolMax: 4, connectTimeoutMs: 5_000, idleTimeoutMs: 10_000, statementTimeoutMs: 20_000 });
  cleanups.push(() => db.close());
  return db;
}

function postgresBackend(objectsFor: (db: PgDatabase, tag: number) => ObjectStorage): () => Promise<Backend> {
  return async () => {
    const tag = ++databases;
    const url = postgres.createDatabase(`videos_${tag}`);
    const first = pool(url);
    const objects = objectsFor(first, tag);
    const dataDir = await freshDir();
    let hosts = 0;
    return {
      db: first,
      objects,
      dataDir,
      open() {
        // Each "host" has its own pool and its own DATA_DIR (incoming files and copies for ffmpeg).
        const db = pool(url);
        const store = createPostgresVideoStore(db, objectsFor(db, tag), join(dataDir, `host-${++hosts}`));
        cleanups.push(() => store.close());
        return store;
      },
    };
  };
}

const backends: Array<[string, () => Promise<Backend>]> = [
  ['SQLite + files', async () => {
    const dataDir = await freshDir();
    return {
      db: null, objects: null, dataDir,
      open() {
        const store = createSqliteVideoStore(dataDir);
        cleanups.push(() => store.close());
        return store;
      },
    };
  }],
  ['PostgreSQL, video in PostgreSQL', postgresBackend((db) => createPostgresObjects(db))],
  ['PostgreSQL, video in S3', postgresBackend((_db, tag) => createS3Objects({
    bucket: s3.bucket, prefix: `videos-${tag}/`, endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, timeoutMs: 10_000,
    maxAttempts: 2, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  }))],
];

async function newVideo(store: VideoStore, bytes: Uint8Array = new TextEncoder().encode('not really a video')) {
  const tempPath = store.incomingPath('mp4');
  await writeFile(tempPath, bytes);
  return store.create({ tempPath, mimeType: 'video/mp4', byteLength: bytes.byteLength, metadata, intervalMs: 500, framesPlanned: 20, poster });
}

async function readAll(pieces: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of pieces) parts.push(Buffer.from(piece));
  return Buffer.concat(parts);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe.each(backends)('VideoStore contract: %s', (_name, makeBackend) => {
  it('queues a video, lets one runner claim it, and keeps frames and progress across a restart', async () => {
    const backend = await makeBackend();
    const store = backend.open();
    const video = await newVideo(store);
    expect(video).toMatchObject({ status: 'queued', framesDone: 0, framesPlanned: 20, attempts: 0, byteLength: 18, metadata });
    expect((await store.claimNext('a', 10_000))?.id).toBe(video.id);
    expect(await store.claimNext('b', 10_000)).toBeNull();
    const embedding = new Float32Array([0.6, 0.8, -0.123456789]);
    const face = { box: { Left: 0.1, Top: 0.2, Width: 0.3, Height: 0.4 }, confidence: 99.123, embedding, match: null };
    const named = { ...face, embedding: null, match: { id: 'x1', name: 'Barack Obama', urls: ['u'], confidence: 97.5 } };
    expect(await store.saveFrames(video.id, 'a', [{ index: 0, timeMs: 0, faces: [face, named] }, { index: 1, timeMs: 500, faces: [] }], 10_000)).toBe(true);
    expect(await store.saveFrames(video.id, 'b', [{ index: 2, timeMs: 1000, faces: [] }], 10_000)).toBe(false);

    // Another process (or host) sees the same job, progress and frames.
    const other = backend.open();
    expect(await other.get(video.id)).toMatchObject({ status: 'processing', framesDone: 2, attempts: 1 });
    expect(await other.readFrames(video.id)).toEqual([{ index: 0, timeMs: 0, faces: [face, named] }, { index: 1, timeMs: 500, faces: [] }]);
    // 'a' died: once its lease is ended, 'b' takes the job over and sees the frames already done.
    await other.expireLease(video.id, 'a');
    expect(await other.processingOwners()).toEqual([{ id: video.id, owner: 'a' }]);
    expect(await other.claimNext('b', 10_000)).toMatchObject({ id: video.id, framesDone: 2, attempts: 2 });
    expect(await other.renewLease(video.id, 'a', 10_000)).toBe(false);
    expect(await store.saveFrames(video.id, 'a', [], 10_000)).toBe(false);
    expect(await other.finish(video.id, 'a', { intervalMs: 500, persons: [] })).toBe(false);
    expect(await other.finish(video.id, 'b', { intervalMs: 500, persons: [] })).toBe(true);
    expect(await store.get(video.id)).toMatchObject({ status: 'done', result: { intervalMs: 500, persons: [] } });
    expect((await store.get(video.id))!.finishedAt).not.toBeNull();
    expect(await store.readFrames(video.id)).toEqual([]);
  });

  it('lets another host take a job over once its lease runs out, and not before', async () => {
    const backend = await makeBackend();
    const [hostA, hostB] = [backend.open(), backend.open()];
    const video = await newVideo(hostA);
    expect((await hostA.claimNext('host-a:1', 600))?.id).toBe(video.id);
    expect(await hostB.claimNext('host-b:1', 600)).toBeNull();
    // Renewed: still held past the first lease's end.
    await sleep(300);
    expect(await hostA.renewLease(video.id, 'host-a:1', 600)).toBe(true);
    await sleep(400);
    expect(await hostB.claimNext('host-b:1', 600)).toBeNull();
    // Host A stops renewing (it died): host B takes the job over.
    await sleep(800);
    expect(await hostB.claimNext('host-b:1', 10_000)).toMatchObject({ id: video.id, status: 'processing', attempts: 2 });
    expect(await hostA.renewLease(video.id, 'host-a:1', 600)).toBe(false);
  });

  it('gives each of many jobs to exactly one of the hosts claiming at the same moment', async () => {
    const backend = await makeBackend();
    const hosts = [backend.open(), backend.open(), backend.open()];
    const ids = [];
    for (let i = 0; i < 6; i += 1) ids.push((await newVideo(hosts[i % 3]!)).id);
    const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => hosts[i % 3]!.claimNext(`host-${i}:1`, 10_000)));
    const claimed = claims.filter((c) => c !== null).map((c) => c.id);
    expect(claimed.sort()).toEqual([...ids].sort());
  });

  it('gives a released job back to the queue and fails a job with a message', async () => {
    const store = (await makeBackend()).open();
    const video = await newVideo(store);
    await store.claimNext('a', 10_000);
    await store.release(video.id, 'a');
    expect((await store.get(video.id))?.status).toBe('queued');
    await store.claimNext('b', 10_000);
    expect(await store.fail(video.id, 'b', 'The video could not be decoded.')).toBe(true);
    expect(await store.get(video.id)).toMatchObject({ status: 'failed', statusMessage: 'The video could not be decoded.' });
    expect(await store.claimNext('c', 10_000)).toBeNull();
  });

  it('serves any byte range of a large video from any host, and a whole local copy for ffmpeg', async () => {
    const backend = await makeBackend();
    const bytes = new Uint8Array(randomBytes(BIG));
    const video = await newVideo(backend.open(), bytes);
    expect(video.byteLength).toBe(BIG);
    const other = backend.open();
    const file = (await other.videoFile(video.id))!;
    expect(file).toMatchObject({ mimeType: 'video/mp4', byteLength: BIG });
    const whole = Buffer.from(bytes);
    for (const [start, end] of [[0, 99], [1024 * 1024 - 10, 1024 * 1024 + 10], [5_000_000, 8 * 1024 * 1024 + 77], [BIG - 1, BIG - 1], [0, BIG - 1]] as const) {
      expect(Buffer.compare(await readAll(await file.read(start, end)), whole.subarray(start, end + 1)), `bytes ${start}-${end}`).toBe(0);
    }
    const copy = (await other.localCopy(video.id))!;
    expect(Buffer.compare(await readFile(copy.path), whole)).toBe(0);
    await copy.release();
    // A copy fetched from the object storage goes once released; SQLite's is the stored file itself.
    if (backend.objects) await expect(stat(copy.path)).rejects.toThrow();
    else expect((await stat(copy.path)).size).toBe(BIG);
    expect(await other.videoFile('A'.repeat(22))).toBeNull();
    expect(await other.localCopy('A'.repeat(22))).toBeNull();
  });

  it('answers a repeated ClientRequestToken with the same job, and removes jobs, frames, rows and files with the video', async () => {
    const backend = await makeBackend();
    const store = backend.open();
    const video = await newVideo(store);
    await store.saveFaceThumbnails(video.id, [poster, new Uint8Array([1, 2, 3])]);
    expect(await store.readPoster(video.id)).toEqual(poster);
    expect(await store.readFaceThumbnail(video.id, 1)).toEqual(new Uint8Array([1, 2, 3]));
    expect(await store.readFaceThumbnail(video.id, 2)).toBeNull();
    const first = await store.createRecognitionJob({ videoId: video.id, clientRequestToken: 'token-1', jobTag: 'tag', source: 's3://bucket/clip.mp4' });
    const again = await backend.open().createRecognitionJob({ videoId: video.id, clientRequestToken: 'token-1' });
    const other = await store.createRecognitionJob({ videoId: video.id });
    expect(first).toMatchObject({ created: true, job: { videoId: video.id, jobTag: 'tag', source: 's3://bucket/clip.mp4', clientRequestToken: 'token-1' } });
    expect(again).toEqual({ job: first.job, created: false });
    expect(await store.getRecognitionJobByToken('token-1')).toEqual(first.job);
    expect(await store.getRecognitionJob(other.job.jobId)).toMatchObject({ videoId: video.id, source: null, jobTag: null });
    expect(other.job.jobId).not.toBe(first.job.jobId);
    await store.claimNext('a', 10_000);
    await store.saveFrames(video.id, 'a', [{ index: 0, timeMs: 0, faces: [] }], 10_000);

    expect(await backend.open().remove(video.id)).toBe(true);
    expect(await store.remove(video.id)).toBe(false);
    expect(await store.get(video.id)).toBeNull();
    expect(await store.getRecognitionJob(first.job.jobId)).toBeNull();
    expect(await store.getRecognitionJobByToken('token-1')).toBeNull();
    expect(await store.readFrames(video.id)).toEqual([]);
    expect(await store.readPoster(video.id)).toBeNull();
    expect(await store.videoFile(video.id)).toBeNull();
    expect(await store.renewLease(video.id, 'a', 10_000)).toBe(false);
    // Nothing of it is left in the storage.
    if (backend.objects) {
      const left: string[] = [];
      for await (const page of backend.objects.list('')) left.push(...page.map((o) => o.key));
      expect(left).toEqual([]);
    } else {
      expect(await readdir(join(backend.dataDir, 'videos', video.id.slice(0, 2)))).toEqual([]);
    }
  });

  it('removes videos older than the cut-off and keeps the others', async () => {
    const backend = await makeBackend();
    const store = backend.open();
    const old = await newVideo(store);
    await sleep(20);
    const cutoff = new Date();
    await sleep(20);
    const recent = await newVideo(store);
    expect(await store.removeOlderThan(cutoff)).toBe(1);
    expect(await store.get(old.id)).toBeNull();
    expect(await store.readPoster(old.id)).toBeNull();
    expect(await store.get(recent.id)).not.toBeNull();
  });
});

describe.each(backends.slice(1))('PostgreSQL video store: %s', (_name, makeBackend) => {
  it('writes the video before its row, and the orphan sweep takes objects whose row never came or is gone', async () => {
    const backend = await makeBackend();
    const objects = backend.objects!;
    const store = backend.open();
    const kept = await newVideo(store);
    const gone = await newVideo(store);
    // A crash between a row's delete and its objects' delete, and one between the objects and the row.
    await backend.db!.query('DELETE FROM videos WHERE id = $1', [gone.id]);
    const tempPath = join(backend.dataDir, 'orphan.mp4');
    await writeFile(tempPath, randomBytes(3000));
    await objects.putFile(`videos/${'B'.repeat(22)}/video.mp4`, tempPath, 3000, 'video/mp4');
    await objects.put('photos/unrelated.jpg', poster, 'image/jpeg');

    expect(await store.sweepOrphans!(new Date(Date.now() - 3_600_000))).toBe(0);
    expect(await store.sweepOrphans!(new Date(Date.now() + 5_000))).toBe(3);
    const left: string[] = [];
    for await (const page of objects.list('')) left.push(...page.map((o) => o.key));
    expect(left.sort()).toEqual(['photos/unrelated.jpg', `videos/${kept.id}/poster.jpg`, `videos/${kept.id}/video.mp4`]);
    expect(await readAll((await (await store.videoFile(kept.id))!.read(0, 17)))).toEqual(Buffer.from('not really a video'));
  });

  it('keeps no video row when the object storage refuses the video', async () => {
    const backend = await makeBackend();
    const store = backend.open();
    const tempPath = store.incomingPath('mp4');
    await writeFile(tempPath, 'x');
    // The file vanishes before it is stored (a full disk, a failed upload): the row must not come.
    const failing = store.create({ tempPath: `${tempPath}.missing`, mimeType: 'video/mp4', byteLength: 1, metadata, intervalMs: 500, framesPlanned: 20, poster });
    await expect(failing).rejects.toThrow();
    expect((await backend.db!.query('SELECT 1 FROM videos')).rowCount).toBe(0);
    // Nor the poster that went up beside it.
    const left: string[] = [];
    for await (const page of backend.objects!.list('videos/')) left.push(...page.map((o) => o.key));
    expect(left).toEqual([]);
  });
});
