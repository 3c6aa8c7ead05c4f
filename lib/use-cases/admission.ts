import { availableParallelism } from 'node:os';
import { AppError } from '../errors';
import { withCancellation } from '../cancellation';
import { getConfig, type AppConfig } from '../config';
import { createRateLimiter } from '../http/rate-limit';
import { metrics } from '../observability/metrics';
import { robustnessMetrics } from '../observability/robustness-metrics';
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
  /**
   * Longest a task may run once it has a slot: then its signal is aborted, its slot freed and `run` rejects
   * with 504 `deadline` at once, whether or not the task has noticed yet (default: none).
   */
  deadlineMs?: number;
  /** Per-client limits, checked when a request enters (default: none). */
  perClient?: ClientLimits;
  /**
   * Bytes of request bodies admitted at once (reading, waiting or running), by the size each declares: a
   * ticket that would pass it is refused busy, so a flood of large uploads cannot fill memory with bodies
   * that wait anyway (default: no byte bound). One ticket is always admitted whatever its size.
   */
  maxBytes?: number;
  /** Called for every refusal, with its reason and, for a client that went away, where its request was (metrics). */
  onRefused?: (reason: RefusalReason, stage?: Stage) => void;
}

/** What one client may take: a token bucket of recognitions started, and tickets held at once. */
export interface ClientLimits {
  /** Recognitions a second, sustained; 0 = no rate limit. */
  ratePerSecond: number;
  burst: number;
  /** Tickets one client may hold at once (body arriving, waiting or running); 0 = no limit. */
  maxInFlight: number;
}

export type RefusalReason = 'busy' | 'timeout' | 'recognition_rate' | 'in_flight' | 'deadline' | 'cancelled';

export interface QueueStats {
  running: number;
  /** Admitted and not running yet: body still arriving, or waiting for a slot. */
  queued: number;
  rejected: number;
  timedOut: number;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

/**
 * A place in the queue, taken before the request's body is read: refusals (over a per-client limit, queue
 * full) cost the server nothing but the headers, and the bodies held in memory are bounded by the queue.
 */
export interface Ticket {
  /**
   * Waits for a slot (at most maxWaitMs: 503 `timeout`), then runs `task` with a signal that aborts at the
   * deadline (504 `deadline`) or when the client goes away (`cancelled`); the slot is freed as soon as
   * either happens. Once per ticket.
   */
  run<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Gives the place back (idempotent); every ticket is released, run or not. */
  release(): void;
}

/** Where a client's request stands, for the cancellation counter. */
export type Stage = 'reading' | 'waiting' | 'running';

const cancelledError = () => new AppError('cancelled', 'The client went away before its recognition finished.');

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

  // Tickets entered and not released, those of them running, and per client.
  let held = 0;
  let heldBytes = 0;
  let runningForeground = 0;
  const heldBy = new Map<string, number>();
  const limiter = options.perClient && options.perClient.ratePerSecond > 0 ? createRateLimiter(options.perClient) : null;
  const refuse = (reason: RefusalReason, error: AppError, stage?: Stage): AppError => {
    options.onRefused?.(reason, stage);
    return error;
  };
  const updateQueued = () => (stats.queued = held - runningForeground);

  /** A slot now, or a place in the FIFO line (at most maxWaitMs; leaves it when `signal` aborts). */
  async function acquire(signal?: AbortSignal): Promise<void> {
    // Counted as running synchronously, so a request entering right after sees the slot taken.
    if (stats.running < options.concurrency && waiting.length === 0) {
      stats.running += 1;
      runningForeground += 1;
      updateQueued();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const leave = () => {
        const index = waiting.indexOf(waiter);
        if (index >= 0) waiting.splice(index, 1);
        clearTimeout(waiter.timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        leave();
        reject(refuse('cancelled', cancelledError(), 'waiting'));
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          stats.running += 1;
          runningForeground += 1;
          updateQueued();
          resolve();
        },
        timer: setTimeout(() => {
          leave();
          stats.timedOut += 1;
          reject(refuse('timeout', new AppError('timeout', 'The server was too busy to start on this photo in time. Please try again.', {
            retryAfterSeconds: retryAfterSeconds(options, waiting.length),
          })));
        }, options.maxWaitMs),
      };
      waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Runs `task` in the slot just acquired, bounded by the deadline and the client's signal. */
  async function runInSlot<T>(task: (signal: AbortSignal) => Promise<T>, clientSignal?: AbortSignal): Promise<T> {
    const controller = new AbortController();
    const stop = (reason: AppError) => controller.abort(reason);
    const deadline = options.deadlineMs === undefined ? undefined : setTimeout(() => {
      stop(refuse('deadline', new AppError('deadline', `This photo took longer than ${Math.round(options.deadlineMs! / 100) / 10} s to recognize and was stopped. Please try again, or try a smaller photo.`)));
    }, options.deadlineMs);
    const onClientGone = () => stop(refuse('cancelled', cancelledError(), 'running'));
    clientSignal?.addEventListener('abort', onClientGone, { once: true });
    const stopped = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
    stopped.catch(() => undefined);
    try {
      const work = withCancellation(controller.signal, () => task(controller.signal));
      // Past the deadline the work may still be finishing (it stops at its next check of the signal): its late failure is nobody's.
      work.catch(() => undefined);
      return await Promise.race([work, stopped]);
    } finally {
      clearTimeout(deadline);
      clientSignal?.removeEventListener('abort', onClientGone);
      if (!controller.signal.aborted) controller.abort(new AppError('internal', 'finished'));
    }
  }

  function enter(request: { client?: string; signal?: AbortSignal; bytes?: number } = {}): Ticket {
    const { client, signal } = request;
    const bytes = Math.max(0, request.bytes ?? 0);
    if (signal?.aborted) throw refuse('cancelled', cancelledError(), 'reading');
    const limits = options.perClient;
    if (client && limits && limits.maxInFlight > 0 && (heldBy.get(client) ?? 0) >= limits.maxInFlight) {
      throw refuse('in_flight', new AppError('rate_limited', `You already have ${limits.maxInFlight} photos being recognized. Please wait for them to finish.`, { retryAfterSeconds: 1 }));
    }
    if (client && limiter) {
      const decision = limiter.take(client);
      if (!decision.ok) {
        throw refuse('recognition_rate', new AppError('rate_limited', 'Too many photos from your address in a short time. Please wait a moment.', { retryAfterSeconds: decision.retryAfterSeconds }));
      }
    }
    const pending = held - runningForeground;
    const free = Math.max(0, options.concurrency - stats.running);
    const overBytes = options.maxBytes !== undefined && held > 0 && heldBytes + bytes > options.maxBytes;
    if (pending >= options.maxQueued + free || overBytes) {
      stats.rejected += 1;
      throw refuse('busy', new AppError('busy', 'The server is busy recognizing other photos. Please try again shortly.', {
        retryAfterSeconds: retryAfterSeconds(options, pending),
      }));
    }
    held += 1;
    heldBytes += bytes;
    if (client) heldBy.set(client, (heldBy.get(client) ?? 0) + 1);
    updateQueued();
    let released = false;
    let used = false;
    let stage: Stage = 'reading';
    // While the body arrives nothing else notices the client leaving: counted here (waiting and running count themselves).
    const onGone = () => stage === 'reading' && options.onRefused?.('cancelled', 'reading');
    signal?.addEventListener('abort', onGone, { once: true });
    return {
      async run<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> {
        if (released || used) throw new Error('admission ticket used twice or after release');
        used = true;
        if (signal?.aborted) throw cancelledError();
        stage = 'waiting';
        await acquire(signal);
        stage = 'running';
        try {
          return await runInSlot(task, signal);
        } finally {
          runningForeground -= 1;
          stage = 'reading';
          release();
          updateQueued();
        }
      },
      release() {
        if (released) return;
        released = true;
        signal?.removeEventListener('abort', onGone);
        held -= 1;
        heldBytes -= bytes;
        if (client) {
          const left = (heldBy.get(client) ?? 1) - 1;
          if (left > 0) heldBy.set(client, left);
          else heldBy.delete(client);
        }
        updateQueued();
      },
    };
  }

  return {
    /** Takes a place for one recognition (throws AppError rate_limited / busy at once); see Ticket. */
    enter,
    /** enter + run + release: runs `task` within the limits; throws AppError busy/timeout/deadline/cancelled. */
    async run<T>(task: (signal: AbortSignal) => Promise<T>, request: { client?: string; signal?: AbortSignal; bytes?: number } = {}): Promise<T> {
      const ticket = enter(request);
      try {
        return await ticket.run(task);
      } finally {
        ticket.release();
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

/**
 * Queue settings from RECOGNITION_CONCURRENCY (default: the core count), _QUEUE_DEPTH, _TIMEOUT_MS and
 * _DEADLINE_MS, and the per-client limits CLIENT_RECOGNITION_RATE, _BURST and CLIENT_MAX_IN_FLIGHT.
 */
export function queueOptionsFromConfig(
  config: Pick<AppConfig, 'RECOGNITION_CONCURRENCY' | 'RECOGNITION_QUEUE_DEPTH' | 'RECOGNITION_TIMEOUT_MS'> &
    Partial<Pick<AppConfig, 'RECOGNITION_DEADLINE_MS' | 'RECOGNITION_QUEUE_MB' | 'CLIENT_RECOGNITION_RATE' | 'CLIENT_RECOGNITION_BURST' | 'CLIENT_MAX_IN_FLIGHT'>>,
): QueueOptions {
  return {
    concurrency: config.RECOGNITION_CONCURRENCY ?? availableParallelism(),
    maxQueued: config.RECOGNITION_QUEUE_DEPTH,
    maxWaitMs: config.RECOGNITION_TIMEOUT_MS,
    ...(config.RECOGNITION_DEADLINE_MS !== undefined ? { deadlineMs: config.RECOGNITION_DEADLINE_MS } : {}),
    ...(config.RECOGNITION_QUEUE_MB !== undefined ? { maxBytes: config.RECOGNITION_QUEUE_MB * 1024 * 1024 } : {}),
    perClient: {
      ratePerSecond: config.CLIENT_RECOGNITION_RATE ?? 0,
      burst: config.CLIENT_RECOGNITION_BURST ?? 1,
      maxInFlight: config.CLIENT_MAX_IN_FLIGHT ?? 0,
    },
  };
}

const queueKey = Symbol.for('celebrity-finder.recognition-queue');

/** Every refusal, deadline and cancellation on the process's metrics. */
function countRefusal(reason: RefusalReason, stage?: Stage): void {
  if (reason === 'busy' || reason === 'timeout') metrics().refused.inc({ reason });
  else if (reason === 'recognition_rate' || reason === 'in_flight') robustnessMetrics().rateLimited.inc({ limit: reason });
  else if (reason === 'deadline') robustnessMetrics().deadlineExceeded.inc();
  else robustnessMetrics().cancelled.inc({ stage: stage ?? 'running' });
}

/**
 * The process-wide recognition queue (one per server process, shared by every Next bundle copy of this
 * module through globalThis), created from the configuration on first use.
 */
export function getRecognitionQueue(config: Parameters<typeof queueOptionsFromConfig>[0]): BoundedQueue {
  const holder = globalThis as unknown as Record<symbol, BoundedQueue | undefined>;
  if (!holder[queueKey]) {
    const queue = createBoundedQueue({ ...queueOptionsFromConfig(config), onRefused: countRefusal });
    metrics().admission.read = queue.stats;
    holder[queueKey] = queue;
  }
  return holder[queueKey];
}

const largeKey = Symbol.for('celebrity-finder.large-photo-queue');

/**
 * One photo larger than it is stored (over 4096 px a side, up to 40 MP) at a time per process: re-encoding
 * it holds ~120 MB of libvips buffers and recognizing the copy ~110 MB more, so two at once (with the queue's
 * bodies) took one pm2 worker past its 800 MB max_memory_restart. Such an upload waits here before it waits
 * for a slot, never while holding one; the same RECOGNITION_TIMEOUT_MS and cancellation apply.
 */
export function admitLargePhoto<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const holder = globalThis as unknown as Record<symbol, BoundedQueue | undefined>;
  holder[largeKey] ??= createBoundedQueue({ concurrency: 1, maxQueued: 10_000, maxWaitMs: getConfig().RECOGNITION_TIMEOUT_MS, onRefused: countRefusal });
  return holder[largeKey].run(() => work(), { signal });
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
 * The one admission point: every recognition (upload, Rekognition-compatible endpoint) takes a place in the
 * process-wide queue before its body is read, then runs there once (see Ticket). Throws AppError at once:
 * rate_limited (429, per-client limits) or busy (503). Lookups and health checks are cheap and not admitted.
 */
export function enterAdmission(request: { client?: string; signal?: AbortSignal; bytes?: number } = {}): Ticket {
  return getRecognitionQueue(getConfig()).enter(request);
}

/** enterAdmission + run + release, for work whose input is already in memory. */
export async function admit<T>(task: (signal: AbortSignal) => Promise<T>, request: { client?: string; signal?: AbortSignal } = {}): Promise<T> {
  return getRecognitionQueue(getConfig()).run(task, request);
}

/**
 * Background recognition work (a video job's frames) through the same queue: it runs only in slots no photo
 * is waiting for, so photo uploads keep priority; never refused, never timed out.
 */
export function admitBackground<T>(task: () => Promise<T>): Promise<T> {
  return getRecognitionQueue(getConfig()).runBackground(task);
}

/**
 * A recognizer whose recognizeCelebrities runs in `ticket` (taken before the body was read), with the
 * ticket's deadline and cancellation passed on to the recognizer; for callers that take a Recognizer, like
 * the Rekognition endpoint.
 */
export function admitted<R extends Recognizer>(recognizer: R, source: RecognitionSource, ticket: Ticket): R {
  // Inherit from the recognizer so extras such as listCelebrities (local catalog) stay reachable.
  const queued = Object.create(recognizer) as R;
  const recognizeCelebrities: Recognizer['recognizeCelebrities'] = (image, options) =>
    counted(source, ticket.run((signal) => recognizer.recognizeCelebrities(image, { ...options, signal })), (result) => result);
  // defineProperty, not assignment: works even when the backend object is frozen.
  Object.defineProperty(queued, 'recognizeCelebrities', { value: recognizeCelebrities, enumerable: true });
  return queued;
}
