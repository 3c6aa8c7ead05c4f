/**
 * A video job end to end on real parts: a slideshow clip built with ffmpeg from dataset photos, the ffmpeg
 * gateway, the real engine with the shipped celebrity pack, the video store and the job runner, on both back
 * ends: SQLite + files, and PostgreSQL (a real server from Debian's packages) with the video in S3 (s3rver
 * through the AWS SDK), where each runner has its own store, pool and DATA_DIR as two hosts would. The first
 * runner is abandoned mid-way, as a crash would leave it, and a second runner takes the job over after the
 * lease runs out and resumes from the stored frames. Then: every known person's spans start and end within
 * one sampling interval of the truth, and no stranger is named.
 */
import { chmod, copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConfig } from '@/lib/config';
import { createLocalRecognizer, type LocalRecognizer } from '@/lib/recognizer/local';
import { openPgDatabase, type PgDatabase } from '@/lib/store/postgres-db';
import { createPostgresVideoStore } from '@/lib/store/postgres-video-store';
import { createS3Objects } from '@/lib/store/s3-objects';
import { createSqliteVideoStore } from '@/lib/store/video-store';
import type { VideoStore } from '@/lib/store/video-types';
import { CHECKPOINT_FRAMES, createVideoJobRunner, FRAMES_IN_FLIGHT, frameRecognizerFor, type FrameRecognizer } from '@/lib/use-cases/video-jobs';
import { extractFrame, probeVideo } from '@/lib/video/ffmpeg';
import { framesPlanned } from '@/lib/video/sampling';
import { startPostgres, type PostgresServer } from '../support/postgres-server';
import { startS3, type S3Server } from '../support/s3-server';
import { buildSlideshow, recognitionSlides, truthOf } from './clip';

const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
const INTERVAL = 500;
let dir: string;
let recognizer: LocalRecognizer;
let clip: string;
let postgres: PostgresServer;
let s3: S3Server;
const pools: PgDatabase[] = [];
const stores: VideoStore[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cf-video-job-'));
  clip = join(dir, 'clip.mp4');
  buildSlideshow(recognitionSlides, clip, { width: 640, height: 360 });
  [postgres, s3] = await Promise.all([startPostgres({ settings: { fsync: 'off', synchronous_commit: 'off' } }), startS3({ parent: dir })]);
  const config = getConfig({ ...process.env, DATA_DIR: join(dir, 'data'), CELEBRITY_PACK: './packs/celebrities', GALLERY_OPT_OUT: join(dir, 'none.txt') });
  recognizer = await createLocalRecognizer(config);
});

afterAll(async () => {
  for (const store of stores) store.close();
  await Promise.all(pools.map((db) => db.close()));
  postgres?.stop();
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Two stores on one back end's storage: host A's (which takes the upload) and host B's. */
const backends: Array<[string, () => [VideoStore, VideoStore]]> = [
  ['SQLite + files', () => {
    const open = () => createSqliteVideoStore(join(dir, 'sqlite-data'));
    return [open(), open()];
  }],
  ['PostgreSQL, the video in S3', () => {
    const url = postgres.createDatabase('video_job');
    const open = (host: string) => {
      const db = openPgDatabase({ url, poolMax: 3, connectTimeoutMs: 5_000, idleTimeoutMs: 10_000, statementTimeoutMs: 10_000 });
      pools.push(db);
      const objects = createS3Objects({
        bucket: s3.bucket, prefix: '', endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, timeoutMs: 10_000, maxAttempts: 2,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      return createPostgresVideoStore(db, objects, join(dir, `pg-${host}`));
    };
    return [open('a'), open('b')];
  }],
];

async function queueClip(store: VideoStore): Promise<string> {
  const metadata = await probeVideo(clip, tools);
  const tempPath = store.incomingPath('mp4');
  await copyFile(clip, tempPath);
  const video = await store.create({
    tempPath, mimeType: 'video/mp4', byteLength: (await stat(clip)).size, metadata, intervalMs: INTERVAL,
    framesPlanned: framesPlanned(metadata.durationMs, INTERVAL), poster: await extractFrame(clip, tools, 1000),
  });
  return video.id;
}

describe.each(backends)('a video job on a clip built from dataset photos, %s', (_name, openStores) => {
  it('survives an abandoned runner, then names every known person within one interval and no stranger', async () => {
    const [storeA, store] = openStores();
    stores.push(storeA, store);
    const id = await queueClip(storeA);
    const recognize = frameRecognizerFor(recognizer);
    let firstRunnerFrames = 0;
    const first = createVideoJobRunner({
      store: storeA, tools, slots: 1, owner: 'host-a:1', leaseMs: 1_000, pollMs: 100,
      recognizeFrame: async (): Promise<FrameRecognizer> => async (jpeg) => {
        firstRunnerFrames += 1;
        return recognize(jpeg);
      },
    });
    // Crash the first runner once a third of the frames are stored.
    const planned = (await store.get(id))!.framesPlanned;
    while (((await store.get(id))?.framesDone ?? 0) < planned / 3) await new Promise((done) => setTimeout(done, 50));
    first.abandon();
    const stopped = await store.get(id);
    expect(stopped).toMatchObject({ status: 'processing', attempts: 1 });
    expect(stopped!.framesDone).toBeLessThan(planned);

    let secondRunnerFrames = 0;
    const second = createVideoJobRunner({
      store, tools, slots: 1, owner: 'host-b:1', leaseMs: 1_000, pollMs: 100,
      recognizeFrame: async (): Promise<FrameRecognizer> => async (jpeg) => {
        secondRunnerFrames += 1;
        return recognize(jpeg);
      },
    });
    while (!['done', 'failed'].includes((await store.get(id))!.status)) await new Promise((done) => setTimeout(done, 100));
    await second.stop();
    const video = (await store.get(id))!;
    expect(video).toMatchObject({ status: 'done', attempts: 2 });
    // The plan counts a frame at every interval inside the duration; the decoder may end one short of it.
    expect(video.framesDone).toBeGreaterThanOrEqual(planned - 1);
    // The second runner resumed where the stored frames end instead of starting over.
    expect(secondRunnerFrames).toBeLessThanOrEqual(planned - stopped!.framesDone + 1);
    // A crash loses at most the frames recognized since the last checkpoint (a fast host gets that far
    // between the test's poll and the crash), never the stored ones.
    expect(firstRunnerFrames + secondRunnerFrames).toBeLessThanOrEqual(planned + 1 + CHECKPOINT_FRAMES + FRAMES_IN_FLIGHT);

    const persons = video.result!.persons;
    const truth = truthOf(recognitionSlides);
    const named = persons.filter((p) => p.kind === 'celebrity');
    expect(named.map((p) => p.name).sort()).toEqual([...truth.keys()].sort());
    for (const person of named) {
      const spans = person.appearances.map((a) => [a.startMs, a.endMs]);
      const expected = truth.get(person.name)!;
      expect(spans, person.name).toHaveLength(expected.length);
      spans.forEach(([start, end], i) => {
        expect(Math.abs(start! - expected[i]![0]), `${person.name} start ${start} vs ${expected[i]![0]}`).toBeLessThanOrEqual(INTERVAL);
        expect(Math.abs(end! - expected[i]![1]), `${person.name} end ${end} vs ${expected[i]![1]}`).toBeLessThanOrEqual(INTERVAL);
      });
    }
    // The strangers are found as faces, listed as unknown persons, and named nowhere.
    const unknown = persons.filter((p) => p.kind === 'unknown');
    expect(unknown.length).toBeGreaterThanOrEqual(2);
    const strangerTimes = [[4_500, 6_000], [11_000, 13_000]];
    for (const [from, to] of strangerTimes) {
      expect(unknown.some((p) => p.appearances.some((a) => a.startMs < to! && a.endMs > from!)), `a stranger between ${from} and ${to}`).toBe(true);
    }
    // Best faces were cut for every person.
    for (let n = 0; n < persons.length; n += 1) expect((await store.readFaceThumbnail(id, n))?.byteLength ?? 0).toBeGreaterThan(1_000);
  });
});

describe('best-face thumbnails of a job that ran in one go', () => {
  it('cuts every one from the frames the job kept, without asking ffmpeg again, and leaves no temporary file', async () => {
    // ffmpeg through a wrapper that notes each run: the sampling pass is the only one expected.
    const runs = join(dir, 'ffmpeg-runs.txt');
    const wrapper = join(dir, 'ffmpeg-counting');
    await writeFile(wrapper, `#!/bin/sh\necho "$*" >> '${runs}'\nexec ffmpeg "$@"\n`);
    await chmod(wrapper, 0o755);
    const dataDir = join(dir, 'one-go');
    const store = createSqliteVideoStore(dataDir);
    stores.push(store);
    const id = await queueClip(store);
    const runner = createVideoJobRunner({ store, tools: { ...tools, ffmpeg: wrapper }, slots: 1, pollMs: 100, recognizeFrame: async () => frameRecognizerFor(recognizer) });
    while (!['done', 'failed'].includes((await store.get(id))!.status)) await new Promise((done) => setTimeout(done, 100));
    await runner.stop();
    const video = (await store.get(id))!;
    expect(video.status).toBe('done');
    const ffmpegRuns = (await readFile(runs, 'utf8')).trim().split('\n');
    expect(ffmpegRuns).toHaveLength(1);
    expect(ffmpegRuns[0]).toContain('mpjpeg');
    expect(video.result!.persons.length).toBeGreaterThanOrEqual(4);
    for (let n = 0; n < video.result!.persons.length; n += 1) {
      const thumbnail = (await store.readFaceThumbnail(id, n))!;
      expect(await sharp(thumbnail).metadata()).toMatchObject({ format: 'jpeg', width: 160, height: 160 });
    }
    expect(await readdir(join(dataDir, 'videos', 'incoming'))).toEqual([]);
  });
});
