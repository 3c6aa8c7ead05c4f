import { getConfig } from '../config';
import { log } from '../observability/log';
import { getStore, getVideoStore, type RecognitionStore } from '../store';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/** How often the sweep runs: a quarter of the retention period, between once a second and once an hour. */
export function sweepIntervalMs(ttlDays: number): number {
  return Math.round(Math.min(HOUR_MS, Math.max(1_000, (ttlDays * DAY_MS) / 4)));
}

/** Removes every result (row and photo) older than `ttlDays`; resolves to how many were removed. */
export async function sweepExpired(store: RecognitionStore, ttlDays: number, now = new Date()): Promise<number> {
  return store.removeOlderThan(new Date(now.getTime() - ttlDays * DAY_MS));
}

/**
 * Runs a scheduled job once across the deployment: through the store's lock when it is shared by several
 * hosts (PostgreSQL: an advisory lock), else here and now. Null when another process runs it.
 */
export function runScheduled<T>(store: RecognitionStore, job: string, work: () => Promise<T>): Promise<T | null> {
  return store.runScheduled ? store.runScheduled(job, work) : work();
}

/**
 * Starts periodic retention cleanup (RESULT_TTL_DAYS): one sweep now, then every sweepIntervalMs. The timer
 * is unref'd so it never keeps a process alive; a failed sweep is logged and retried on the next tick.
 * Returns a function that stops it.
 */
export function startRetentionSweeper(getStore: () => RecognitionStore, ttlDays: number): () => void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const store = getStore();
      // Every worker of every host ticks; one of them sweeps at a time, the others skip.
      const removed = await runScheduled(store, 'retention', () => sweepExpired(store, ttlDays));
      if (removed) log.info({ removed, ttlDays }, 'retention: expired results removed');
    } catch (error) {
      log.error({ err: error }, 'retention: sweep failed');
    } finally {
      running = false;
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), sweepIntervalMs(ttlDays));
  timer.unref();
  return () => clearInterval(timer);
}

const startedKey = Symbol.for('celebrity-finder.retention-started');

/** Starts the RESULT_TTL_DAYS sweeper once per server process (no-op when retention is off). */
export function startResultExpiry(): void {
  const holder = globalThis as unknown as Record<symbol, boolean | undefined>;
  const ttlDays = getConfig().RESULT_TTL_DAYS;
  if (ttlDays === undefined || holder[startedKey]) return;
  holder[startedKey] = true;
  startRetentionSweeper(getStore, ttlDays);
  startVideoRetention(ttlDays);
  log.info({ ttlDays }, 'retention: results older than the TTL are removed periodically');
}

/**
 * Videos (row, file, poster, thumbnails, Rekognition job names) older than the TTL go the same way: with
 * PostgreSQL on one process of the deployment at a time (the results' advisory lock, its own name), with
 * SQLite in every process (removing is idempotent across workers).
 */
function startVideoRetention(ttlDays: number): void {
  const sweep = async () => {
    try {
      const cutoff = new Date(Date.now() - ttlDays * DAY_MS);
      const removed = await runScheduled(getStore(), 'video-retention', () => getVideoStore().removeOlderThan(cutoff));
      if (removed) log.info({ removed, ttlDays }, 'retention: expired videos removed');
    } catch (error) {
      log.error({ err: error }, 'retention: video sweep failed');
    }
  };
  void sweep();
  setInterval(() => void sweep(), sweepIntervalMs(ttlDays)).unref();
}
