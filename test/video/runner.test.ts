/**
 * The job runner's own bookkeeping, on real parts (ffmpeg, the SQLite video store) with a recognizer that
 * finds nobody: a runner keeps taking jobs one after the other, never runs more than its slots at once, and
 * a wake while its slots are full (the poll, a page view) does not stop it from taking the next job.
 */
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqliteVideoStore } from '@/lib/store/video-store';
import type { VideoStore } from '@/lib/store/video-types';
import { createVideoJobRunner, type FrameRecognizer } from '@/lib/use-cases/video-jobs';
import { extractFrame, probeVideo } from '@/lib/video/ffmpeg';
import { framesPlanned } from '@/lib/video/sampling';
import { buildSlideshow } from './clip';

const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
let dir: string;
let clip: string;
let store: VideoStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cf-video-runner-'));
  clip = join(dir, 'clip.mp4');
  buildSlideshow([{ photo: null, fromMs: 0, toMs: 3_000 }], clip, { width: 160, height: 90, fps: 5 });
  store = createSqliteVideoStore(join(dir, 'data'));
});

afterAll(async () => {
  store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function queueClip(): Promise<string> {
  const metadata = await probeVideo(clip, tools);
  const tempPath = store.incomingPath('mp4');
  await copyFile(clip, tempPath);
  const video = await store.create({
    tempPath, mimeType: 'video/mp4', byteLength: (await stat(clip)).size, metadata, intervalMs: 500,
    framesPlanned: framesPlanned(metadata.durationMs, 500), poster: await extractFrame(clip, tools, 0),
  });
  return video.id;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  for (const started = Date.now(); !(await check());) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}

it('takes job after job, one at a time, even when woken while its slot is full', async () => {
  let running = 0;
  let most = 0;
  const recognizeFrame = async (): Promise<FrameRecognizer> => async () => {
    most = Math.max(most, ++running);
    await new Promise((done) => setTimeout(done, 30));
    running -= 1;
    return [];
  };
  // A poll far away: only the wakes below (and the end of a job) look for work.
  const runner = createVideoJobRunner({ store, tools, slots: 1, owner: 'runner-test:1', recognizeFrame, pollMs: 600_000 });
  try {
    const [first, second] = [await queueClip(), await queueClip()];
    runner.wake();
    await until('the first job to run', async () => (await store.get(first))?.status === 'processing');
    // Woken while the only slot is taken, as the poll and every page view of a running job do.
    for (let i = 0; i < 3; i += 1) runner.wake();
    await until('both jobs to be done', async () => (await store.get(first))?.status === 'done' && (await store.get(second))?.status === 'done');
    // A third job, queued once the runner is idle, is taken too.
    const third = await queueClip();
    runner.wake();
    await until('the third job to be done', async () => (await store.get(third))?.status === 'done');
    expect(most).toBeLessThanOrEqual(2);
    expect((await store.get(second))!.startedAt! >= (await store.get(first))!.finishedAt!).toBe(true);
  } finally {
    await runner.stop();
  }
});
