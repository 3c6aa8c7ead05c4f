import 'server-only';
import { hostname } from 'node:os';
import sharp from 'sharp';
import { getConfig } from '../config';
import { AppError } from '../errors';
import type { BoundingBox } from '../contract/rekognition';
import { cropFace, cropFaces, faceRegionSide, faceThumbnailSide } from '../images/crop';
import { log } from '../observability/log';
import { metrics } from '../observability/metrics';
import { isProcessAlive } from '../process-alive';
import { getRecognizer, type Recognizer } from '../recognizer';
import { onShutdown } from '../shutdown';
import { getVideoStore, type LocalVideoCopy, type StoredVideo, type VideoStore } from '../store';
import { extractFrame, sampleFrames, type FfmpegTools } from '../video/ffmpeg';
import { openFrameSpill, type FrameSpill } from '../video/frame-spill';
import { buildTimeline } from '../video/tracking';
import type { FaceObservation, FrameObservations, VideoAnalysis } from '../video/types';
import { admitBackground } from './admission';

/** A runner renews its lease on a job this often; a lease not renewed for LEASE_MS lets another runner take over. */
export const LEASE_MS = 15_000;
/** Takes on a job at most this many times (a video that keeps killing its process fails instead of looping). */
export const MAX_ATTEMPTS = 3;
/** Frames recognized at once by one job: two keep both engine workers busy while ffmpeg decodes ahead. */
export const FRAMES_IN_FLIGHT = 2;
/** Stored progress at least this often (and every CHECKPOINT_FRAMES frames). */
const CHECKPOINT_MS = 1_000;
export const CHECKPOINT_FRAMES = 8;
const POLL_MS = 1_000;

/** Recognizes the faces of one frame (JPEG): the local recognizer with identity vectors, or any Recognizer without. */
export type FrameRecognizer = (jpeg: Uint8Array) => Promise<FaceObservation[]>;

/** The local recognizer gives identity vectors (tracking by face); another (Rekognition) gives names and boxes. */
export function frameRecognizerFor(recognizer: Recognizer): FrameRecognizer {
  const local = recognizer as Recognizer & { recognizeFrame?: FrameRecognizer };
  if (typeof local.recognizeFrame === 'function') return (jpeg) => local.recognizeFrame!(jpeg);
  return async (jpeg) => {
    const result = await recognizer.recognizeCelebrities(jpeg, { attributes: false });
    return [
      ...result.CelebrityFaces.map((c): FaceObservation => ({
        box: c.Face.BoundingBox, confidence: c.Face.Confidence, embedding: null,
        match: { id: c.Id, name: c.Name, urls: c.Urls, confidence: c.MatchConfidence, ...(c.KnownGender ? { knownGender: c.KnownGender.Type } : {}) },
      })),
      ...result.UnrecognizedFaces.map((f): FaceObservation => ({ box: f.BoundingBox, confidence: f.Confidence, embedding: null, match: null })),
    ];
  };
}

export interface RunnerOptions {
  store: VideoStore;
  recognizeFrame: () => Promise<FrameRecognizer>;
  tools: FfmpegTools;
  /** Jobs run at once by this runner (VIDEO_JOBS). */
  slots: number;
  /** Who holds a job: host and process, so a restarted host takes its dead process's jobs over at once. */
  owner?: string;
  leaseMs?: number;
  /** Runs each frame's recognition (the admission queue's background lane in the app). */
  admit?: <T>(task: () => Promise<T>) => Promise<T>;
  pollMs?: number;
}

export interface VideoJobRunner {
  /** Looks for work now (after an upload) instead of at the next poll. */
  wake(): void;
  /** Stops taking jobs; running jobs are handed back to the queue (resumed by the next runner) and this resolves. */
  stop(): Promise<void>;
  /** Stops without handing anything back, as a crash would: for tests of the take-over. */
  abandon(): void;
  /** Resolves once no job is running and none is waiting (tests, benchmarks). */
  idle(): Promise<void>;
  readonly owner: string;
}

/** Frames decoded at once by ffmpeg for best-face thumbnails the spill lacks (each is one short ffmpeg run, mostly start-up). */
const THUMBNAIL_FRAMES_AT_ONCE = 3;

/**
 * A best face's thumbnail from the sampled frame the job kept, when that frame is the video's own size (up
 * to 1280 px a side it is) or shows the face at thumbnail size anyway; else null, for a full-size frame.
 */
async function thumbnailFromSpill(spill: FrameSpill | null, index: number, box: BoundingBox, videoSize: { width: number; height: number }): Promise<Uint8Array | null> {
  const frame = await spill?.read(index);
  if (!frame) return null;
  const { width = 0, height = 0 } = await sharp(frame).metadata();
  // The sampling scale rounds sizes to even numbers: within 2 px is the video's own size.
  const ownSize = width >= videoSize.width - 2 && height >= videoSize.height - 2;
  if (!ownSize && faceRegionSide({ width, height }, box) < faceThumbnailSide) return null;
  return (await cropFaces(frame, [box]))[0] ?? null;
}

/**
 * Cut-out best faces, one per person, in the result's order: from the frames the job kept (spill), else
 * from full-size frames ffmpeg decodes again, each distinct frame once.
 */
async function bestFaceThumbnails(path: string, tools: FfmpegTools, video: StoredVideo, analysis: VideoAnalysis, spill: FrameSpill | null): Promise<Uint8Array[]> {
  const size = { width: video.metadata.width, height: video.metadata.height };
  const kept = await Promise.all(analysis.persons.map((p) => thumbnailFromSpill(spill, Math.round(p.bestFace.timeMs / video.intervalMs), p.bestFace.box, size)));
  const times = [...new Set(analysis.persons.filter((_, i) => !kept[i]).map((p) => p.bestFace.timeMs))];
  const frames = new Map<number, Uint8Array>();
  for (let i = 0; i < times.length; i += THUMBNAIL_FRAMES_AT_ONCE) {
    const batch = times.slice(i, i + THUMBNAIL_FRAMES_AT_ONCE);
    // Full size (the video's own, at most 4096 px), so a small face still makes a sharp thumbnail.
    const jpegs = await Promise.all(batch.map((timeMs) => extractFrame(path, tools, timeMs, 4096)));
    batch.forEach((timeMs, k) => frames.set(timeMs, jpegs[k]!));
  }
  return Promise.all(analysis.persons.map((person, i) => kept[i] ?? cropFace(frames.get(person.bestFace.timeMs)!, size, person.bestFace.box)));
}

/**
 * The background runner of video jobs: takes queued jobs (or ones whose lease ran out) from the store, at most
 * `slots` at once, and for each samples frames with ffmpeg, recognizes them through `admit` (photos first),
 * stores every few frames' faces with the progress, then builds the timeline, cuts the best faces and marks
 * the job done. A job resumes from its stored frames after a restart; a job that cannot be read fails with
 * a message; a job deleted meanwhile stops.
 */
export function createVideoJobRunner(options: RunnerOptions): VideoJobRunner {
  const owner = options.owner ?? `${hostname()}:${process.pid}`;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const admit = options.admit ?? (<T,>(task: () => Promise<T>) => task());
  const { store, tools } = options;
  const running = new Map<string, AbortController>();
  let stopped = false;
  let abandoned = false;
  let looking: Promise<void> | null = null;
  let idleWaiters: Array<() => void> = [];
  const timer = setInterval(() => wake(), options.pollMs ?? POLL_MS);
  timer.unref();

  /** Jobs of a dead process on this host need not wait for their lease to run out. */
  async function takeOverDeadOwners(): Promise<void> {
    const host = hostname();
    for (const { id, owner: holder } of await store.processingOwners()) {
      const [holderHost, pid] = (holder ?? '').split(':');
      if (holder && holder !== owner && holderHost === host && !isProcessAlive(Number(pid))) {
        log.warn({ videoId: id, deadOwner: holder }, 'video: taking over a job of a process that is gone');
        await store.expireLease(id, holder);
      }
    }
  }

  function wake(): void {
    if (stopped || looking || running.size >= options.slots) return;
    // The look starts a microtask later, once `looking` holds it: a look that ended at once (no free slot)
    // used to clear `looking` before it was set, which then stayed set and no job was ever taken again.
    looking = Promise.resolve().then(async () => {
      try {
        while (!stopped && running.size < options.slots) {
          const job = await store.claimNext(owner, leaseMs);
          if (!job) break;
          const controller = new AbortController();
          running.set(job.id, controller);
          void processJob(job, controller.signal).finally(() => {
            running.delete(job.id);
            wake();
          });
        }
      } catch (error) {
        log.error({ err: error }, 'video: could not look for jobs');
      } finally {
        looking = null;
        if (running.size === 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const done of waiters) done();
        }
      }
    });
  }

  async function processJob(job: StoredVideo, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    const logContext = { videoId: job.id, attempt: job.attempts, resumeAt: job.framesDone };
    const lease = setInterval(() => {
      void store.renewLease(job.id, owner, leaseMs).then((held) => {
        if (!held) running.get(job.id)?.abort();
      });
    }, leaseMs / 3);
    lease.unref();
    let file: LocalVideoCopy | null = null;
    let spill: FrameSpill | null = null;
    try {
      if (job.attempts > MAX_ATTEMPTS) {
        await store.fail(job.id, owner, `Processing was interrupted ${MAX_ATTEMPTS} times; this video cannot be processed.`);
        metrics().videoJobs.inc({ outcome: 'failed' });
        log.error(logContext, 'video: too many attempts, failed');
        return;
      }
      log.info(logContext, job.framesDone > 0 ? 'video: resuming' : 'video: started');
      // With PostgreSQL + object storage the video is fetched to this host's disk for ffmpeg (released below).
      file = await store.localCopy(job.id);
      if (!file) throw new AppError('not_found', 'The video file is missing.');
      const recognize = await options.recognizeFrame();
      spill = await openFrameSpill(store.incomingPath('frames'));
      const pending: FrameObservations[] = [];
      let lastCheckpoint = performance.now();
      const checkpoint = async () => {
        const batch = pending.splice(0);
        lastCheckpoint = performance.now();
        if (!(await store.saveFrames(job.id, owner, batch, leaseMs))) running.get(job.id)?.abort();
      };
      const inFlight: Array<Promise<FrameObservations>> = [];
      const settle = async () => {
        pending.push(await inFlight.shift()!);
        metrics().videoFrames.inc();
        if (pending.length >= CHECKPOINT_FRAMES || performance.now() - lastCheckpoint >= CHECKPOINT_MS) await checkpoint();
      };
      try {
        for await (const frame of sampleFrames(file.path, tools, { intervalMs: job.intervalMs, startIndex: job.framesDone, signal })) {
          if (signal.aborted) break;
          if (frame.timeMs >= job.metadata.durationMs) continue;
          await spill?.add(frame.index, frame.jpeg);
          const observed = admit(() => recognize(frame.jpeg)).then((faces) => ({ index: frame.index, timeMs: frame.timeMs, faces }));
          observed.catch(() => undefined);
          inFlight.push(observed);
          if (inFlight.length >= FRAMES_IN_FLIGHT) await settle();
        }
        while (inFlight.length > 0) await settle();
      } finally {
        // Frames already recognized are kept even when the job stops here: the next run resumes after them.
        await Promise.allSettled(inFlight);
        if (pending.length && !abandoned) await checkpoint();
      }
      if (signal.aborted) return;
      const frames = await store.readFrames(job.id);
      const analysis = buildTimeline(frames, { intervalMs: job.intervalMs, durationMs: job.metadata.durationMs });
      await store.saveFaceThumbnails(job.id, await bestFaceThumbnails(file.path, tools, job, analysis, spill));
      if (!(await store.finish(job.id, owner, analysis))) return;
      const seconds = (performance.now() - started) / 1000;
      const processedMs = job.metadata.durationMs - job.framesDone * job.intervalMs;
      metrics().videoJobs.inc({ outcome: 'done' });
      if (job.framesDone === 0) metrics().videoSpeed.observe(job.metadata.durationMs / 1000 / seconds);
      log.info({ ...logContext, frames: frames.length, persons: analysis.persons.length, ms: Math.round(seconds * 1000), speed: Math.round((processedMs / 1000 / seconds) * 10) / 10 }, 'video: done');
    } catch (error) {
      if (abandoned || signal.aborted) return;
      const message = error instanceof AppError && error.code !== 'internal' ? error.message : 'Something went wrong while processing this video.';
      log.error({ ...logContext, err: error }, 'video: failed');
      await store.fail(job.id, owner, message).catch((failError: unknown) => log.error({ err: failError }, 'video: could not mark the job failed'));
      metrics().videoJobs.inc({ outcome: 'failed' });
    } finally {
      clearInterval(lease);
      await spill?.close().catch((error: unknown) => log.warn({ err: error, videoId: job.id }, 'video: frame spill not removed'));
      await file?.release().catch((error: unknown) => log.warn({ err: error, videoId: job.id }, 'video: local copy not removed'));
    }
  }

  void takeOverDeadOwners().catch((error: unknown) => log.error({ err: error }, 'video: could not check for orphaned jobs')).finally(() => wake());

  return {
    owner,
    wake,
    async stop() {
      stopped = true;
      clearInterval(timer);
      const ids = [...running.keys()];
      for (const controller of running.values()) controller.abort();
      // All released before the first await: at process exit (a shutdown hook) no later tick runs.
      await Promise.all(ids.map((id) => {
        metrics().videoJobs.inc({ outcome: 'released' });
        return store.release(id, owner);
      }));
    },
    abandon() {
      stopped = true;
      abandoned = true;
      clearInterval(timer);
      for (const controller of running.values()) controller.abort();
    },
    idle() {
      if (running.size === 0 && !looking) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

const runnerKey = Symbol.for('celebrity-finder.video-jobs');

/** The process's runner (VIDEO_JOBS slots, frames through the admission queue's background lane), started once. */
export function startVideoJobs(): VideoJobRunner {
  const holder = globalThis as unknown as Record<symbol, VideoJobRunner | undefined>;
  if (!holder[runnerKey]) {
    const config = getConfig();
    const store = getVideoStore();
    const runner = createVideoJobRunner({
      store,
      tools: { ffmpeg: config.FFMPEG_PATH, ffprobe: config.FFPROBE_PATH },
      slots: config.VIDEO_JOBS,
      recognizeFrame: async () => frameRecognizerFor(await getRecognizer()),
      admit: admitBackground,
    });
    // A graceful stop hands running jobs back at once (the store's calls are synchronous under the hood).
    onShutdown('video-jobs', () => void runner.stop());
    holder[runnerKey] = runner;
    log.info({ slots: config.VIDEO_JOBS, owner: runner.owner }, 'video: job runner started');
  }
  return holder[runnerKey];
}

/** After an upload: start the runner if needed and have it look for work now. */
export function wakeVideoJobs(): void {
  startVideoJobs().wake();
}
