import { availableParallelism } from 'node:os';
import { AppError } from '../errors';
import { getConfig, type AppConfig } from '../config';
import { metrics } from '../observability/metrics';
import type { Recognizer } from '../recognizer/types';
import type { RecognizeCelebritiesResult } from '../contract/rekognition';

/** How much recognition work one process takes on before it turns requests away. */
export interface QueueOptions {
  /** Recognitions running at once (CPU-bound: about one per core). */
  concurrency: number;
  /** Requests allowed to wait for a slot; one more is refused at once with 503 `busy`. */
  maxQueued: number;
  /** Longest time a request may wait for a slot before it is refused with 503 `timeout`. */
  maxWaitMs: number;
  /** Slots background work (video frames) may hold at once (default: all of them, when no photo waits). */
  backgroundConcurrency?: number;
}

export interface QueueStats {
  running: number;
  queued: number;
  rejected: number;
  timedOut: number;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

/** Seconds a refused client is told to wait: roughly the time for the queue ahead of it to clear. */
function retryAfterSeconds(options: QueueOptions, queued: number): number {
  return Math.min(30, Math.max(1, Math.ceil((queued + 1) / options.concurrency)));
}

/**
 * A bounded FIFO admission queue. `run(task)` starts the task when a slot is free, otherwise waits in
 * line; a full line or a wait past maxWaitMs throws AppError (`busy` / `timeout`, both 503 with
 * Retry-After) so overload answers quickly instead of slowing every request down.
 */
export function createBoundedQueue(options: QueueOptions) {
  const waiting: Waiter[] = [];
  const stats: QueueStats = { running: 0, queued: 0, rejected: 0, timedOut: 0 };

  // Background work (video frames) waits in its own line, without a deadline, and gets a slot only when no
  // photo waits for one: photos keep priority, and wait at most for the frames already running.
  const background: Array<() => void> = [];
  let backgroundRunning = 0;
  const backgroundLimit = Math.max(1, Math.min(options.backgroundConcurrency ?? options.concurrency, options.concurrency));

  function startBackground(): void {
    while (background.length > 0 && waiting.length === 0 && stats.running < options.concurrency && backgroundRunning < backgroundLimit) {
      stats.running += 1;
      backgroundRunning += 1;
      background.shift()!();
    }
  }

  function release(): void {
    stats.running -= 1;
    const next = waiting.shift();
    stats.queued = waiting.length;
    if (next) {
      clearTimeout(next.timer);
      next.start();
    }
    startBackground();
  }

  function releaseBackground(): void {
    backgroundRunning -= 1;
    release();
  }

  async function acquire(): Promise<void> {
    if (stats.running < options.concurrency && waiting.length === 0) {
      stats.running += 1;
      return;
    }
    if (waiting.length >= options.maxQueued) {
      stats.rejected += 1;
      throw new AppError('busy', 'The server is busy recognizing other photos. Please try again shortly.', {
        retryAfterSeconds: retryAfterSeconds(options, waiting.length),
      });
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          stats.running += 1;
          resolve();
        },
        timer: setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          stats.queued = waiting.length;
          stats.timedOut += 1;
          reject(new AppError('timeout', 'The server was too busy to start on this photo in time. Please try again.', {
            retryAfterSeconds: retryAfterSeconds(options, waiting.length),
          }));
        }, options.maxWaitMs),
      };
      waiting.push(waiter);
      stats.queued = waiting.length;
    });
  }

  return {
    /** Runs `task` within the concurrency limit; throws AppError busy/timeout when it cannot be admitted. */
    async run<T>(task: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
    /**
     * Runs `task` when a slot is free and no foreground task waits, at most `backgroundConcurrency` at once.
     * Never refused and never timed out: the caller (a video job) paces itself by awaiting.
     */
    async runBackground<T>(task: () => Promise<T>): Promise<T> {
      await new Promise<void>((resolve) => {
        background.push(resolve);
        startBackground();
      });
      try {
        return await task();
      } finally {
        releaseBackground();
      }
    },
    stats: (): QueueStats => ({ ...stats }),
    backgroundStats: () => ({ running: backgroundRunning, queued: background.length }),
  };
}

export type BoundedQueue = ReturnType<typeof createBoundedQueue>;

/** Queue settings from RECOGNITION_CONCURRENCY (default: the core count), _QUEUE_DEPTH and _TIMEOUT_MS. */
export function queueOptionsFromConfig(
  config: Pick<AppConfig, 'RECOGNITION_CONCURRENCY' | 'RECOGNITION_QUEUE_DEPTH' | 'RECOGNITION_TIMEOUT_MS'>,
): QueueOptions {
  return {
    concurrency: config.RECOGNITION_CONCURRENCY ?? availableParallelism(),
    maxQueued: config.RECOGNITION_QUEUE_DEPTH,
    maxWaitMs: config.RECOGNITION_TIMEOUT_MS,
  };
}

const queueKey = Symbol.for('celebrity-finder.recognition-queue');

/**
 * The process-wide recognition queue (one per server process, shared by every Next bundle copy of this
 * module through globalThis), created from the configuration on first use.
 */
export function getRecognitionQueue(config: Parameters<typeof queueOptionsFromConfig>[0]): BoundedQueue {
  const holder = globalThis as unknown as Record<symbol, BoundedQueue | undefined>;
  if (!holder[queueKey]) {
    const queue = createBoundedQueue(queueOptionsFromConfig(config));
    metrics().admission.read = queue.stats;
    holder[queueKey] = queue;
  }
  return holder[queueKey];
}

export type RecognitionSource = 'upload' | 'rekognition_api';

/** Counts a recognition by its outcome: named (a celebrity), unnamed (faces, nobody known), no_face, or the error code. */
export async function counted<T>(source: RecognitionSource, recognition: Promise<T>, resultOf: (value: T) => RecognizeCelebritiesResult): Promise<T> {
  const { recognitions } = metrics();
  try {
    const value = await recognition;
    const result = resultOf(value);
    const outcome = result.CelebrityFaces.length > 0 ? 'named' : result.UnrecognizedFaces.length > 0 ? 'unnamed' : 'no_face';
    recognitions.inc({ source, outcome });
    return value;
  } catch (error) {
    recognitions.inc({ source, outcome: error instanceof AppError ? error.code : 'internal' });
    throw error;
  }
}

/**
 * The one admission point: every recognition (upload, Rekognition-compatible endpoint) runs through the
 * process-wide queue once. Lookups and health checks are cheap and are not admitted.
 */
export async function admit<T>(task: () => Promise<T>): Promise<T> {
  let started = false;
  try {
    return await getRecognitionQueue(getConfig()).run(() => {
      started = true;
      return task();
    });
  } catch (error) {
    // Only the queue's own refusals count here; a task's failure is the task's outcome.
    if (!started && error instanceof AppError && (error.code === 'busy' || error.code === 'timeout')) metrics().refused.inc({ reason: error.code });
    throw error;
  }
}

/**
 * Background recognition work (a video job's frames) through the same queue: it runs only in slots no photo
 * is waiting for, so photo uploads keep priority; never refused, never timed out.
 */
export function admitBackground<T>(task: () => Promise<T>): Promise<T> {
  return getRecognitionQueue(getConfig()).runBackground(task);
}

/** A recognizer whose recognizeCelebrities is admitted (for callers that take a Recognizer, like the endpoint). */
export function admitted<R extends Recognizer>(recognizer: R, source: RecognitionSource): R {
  // Inherit from the recognizer so extras such as listCelebrities (local catalog) stay reachable.
  const queued = Object.create(recognizer) as R;
  const recognizeCelebrities: Recognizer['recognizeCelebrities'] = (image, options) =>
    counted(source, admit(() => recognizer.recognizeCelebrities(image, options)), (result) => result);
  // defineProperty, not assignment: works even when the backend object is frozen.
  Object.defineProperty(queued, 'recognizeCelebrities', { value: recognizeCelebrities, enumerable: true });
  return queued;
}
