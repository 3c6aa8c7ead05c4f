import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VideoProbe } from '../video/ffmpeg';
import { createSqliteVideoStore } from './video-store';

const metadata: VideoProbe = { container: 'mp4', format: 'mov,mp4,m4a,3gp,3g2,mj2', codec: 'h264', durationMs: 10_000, width: 640, height: 360, frameRate: 25, colorRange: 'LIMITED' };
const poster = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cf-video-store-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function newVideo(store: ReturnType<typeof createSqliteVideoStore>) {
  const tempPath = store.incomingPath('mp4');
  await writeFile(tempPath, 'not really a video');
  return store.create({ tempPath, mimeType: 'video/mp4', byteLength: 18, metadata, intervalMs: 500, framesPlanned: 20, poster });
}

describe('createSqliteVideoStore', () => {
  it('queues a video, lets one runner claim it, and keeps frames and progress across a restart', async () => {
    const store = createSqliteVideoStore(dataDir);
    const video = await newVideo(store);
    expect(video).toMatchObject({ status: 'queued', framesDone: 0, framesPlanned: 20, attempts: 0 });
    expect((await store.claimNext('a', 10_000))?.id).toBe(video.id);
    expect(await store.claimNext('b', 10_000)).toBeNull();
    const embedding = new Float32Array([0.6, 0.8]);
    const face = { box: { Left: 0.1, Top: 0.2, Width: 0.3, Height: 0.4 }, confidence: 99, embedding, match: null };
    expect(await store.saveFrames(video.id, 'a', [{ index: 0, timeMs: 0, faces: [face] }, { index: 1, timeMs: 500, faces: [] }], 10_000)).toBe(true);
    expect(await store.saveFrames(video.id, 'b', [{ index: 2, timeMs: 1000, faces: [] }], 10_000)).toBe(false);
    store.close();

    const reopened = createSqliteVideoStore(dataDir);
    expect(await reopened.get(video.id)).toMatchObject({ status: 'processing', framesDone: 2, attempts: 1 });
    expect(await reopened.readFrames(video.id)).toEqual([{ index: 0, timeMs: 0, faces: [face] }, { index: 1, timeMs: 500, faces: [] }]);
    // 'a' died: once its lease is ended, 'b' takes the job over and sees the frames already done.
    await reopened.expireLease(video.id, 'a');
    expect(await reopened.claimNext('b', 10_000)).toMatchObject({ id: video.id, framesDone: 2, attempts: 2 });
    expect(await reopened.renewLease(video.id, 'a', 10_000)).toBe(false);
    expect(await reopened.finish(video.id, 'b', { intervalMs: 500, persons: [] })).toBe(true);
    expect(await reopened.get(video.id)).toMatchObject({ status: 'done', result: { intervalMs: 500, persons: [] } });
    expect(await reopened.readFrames(video.id)).toEqual([]);
    reopened.close();
  });

  it('gives a released job back to the queue and fails a job with a message', async () => {
    const store = createSqliteVideoStore(dataDir);
    const video = await newVideo(store);
    await store.claimNext('a', 10_000);
    await store.release(video.id, 'a');
    expect((await store.get(video.id))?.status).toBe('queued');
    await store.claimNext('b', 10_000);
    expect(await store.fail(video.id, 'b', 'The video could not be decoded.')).toBe(true);
    expect(await store.get(video.id)).toMatchObject({ status: 'failed', statusMessage: 'The video could not be decoded.' });
    store.close();
  });

  it('answers a repeated ClientRequestToken with the same job, and removes jobs, rows and files with the video', async () => {
    const store = createSqliteVideoStore(dataDir);
    const video = await newVideo(store);
    await store.saveFaceThumbnails(video.id, [poster, poster]);
    const first = await store.createRecognitionJob({ videoId: video.id, clientRequestToken: 'token-1', jobTag: 'tag' });
    const again = await store.createRecognitionJob({ videoId: video.id, clientRequestToken: 'token-1' });
    const other = await store.createRecognitionJob({ videoId: video.id });
    expect(first.created).toBe(true);
    expect(again).toEqual({ job: first.job, created: false });
    expect(other.job.jobId).not.toBe(first.job.jobId);
    expect((await readdir(join(dataDir, 'videos', video.id.slice(0, 2)))).sort()).toEqual([`${video.id}.face0.jpg`, `${video.id}.face1.jpg`, `${video.id}.mp4`, `${video.id}.poster.jpg`]);
    expect(await store.remove(video.id)).toBe(true);
    expect(await store.get(video.id)).toBeNull();
    expect(await store.getRecognitionJob(first.job.jobId)).toBeNull();
    expect(await readdir(join(dataDir, 'videos', video.id.slice(0, 2)))).toEqual([]);
    store.close();
  });
});
