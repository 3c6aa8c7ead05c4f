import { getConfig } from '../config';
import { log } from '../observability/log';
import { getStore, getVideoStore, type RecognitionStore, type VideoStore } from '../store';
import { runScheduled } from './expire-results';

/** An object younger than this is never swept: its upload may still be on its way to the row. */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000;
/** How often each process offers to sweep (one process of the deployment does it at a time). */
export const ORPHAN_SWEEP_INTERVAL_MS = 15 * 60 * 1000;

/**
 * One sweep of photos and face crops whose result row never came or is gone (PostgreSQL + object storage),
 * and of videos, posters and best faces whose video row never came or is gone (when `videos` is given),
 * on one process of the deployment at a time. Null when another process was sweeping, 0 for a store
 * without objects of its own to sweep.
 */
export function sweepOrphanObjects(store: RecognitionStore, now = Date.now(), videos?: VideoStore): Promise<number | null> {
  const sweep = store.sweepOrphans?.bind(store);
  const sweepVideos = videos?.sweepOrphans?.bind(videos);
  if (!sweep && !sweepVideos) return Promise.resolve(0);
  const writtenBefore = new Date(now - ORPHAN_GRACE_MS);
  return runScheduled(store, 'orphan-objects', async () => (sweep ? await sweep(writtenBefore) : 0) + (sweepVideos ? await sweepVideos(writtenBefore) : 0));
}

const startedKey = Symbol.for('celebrity-finder.orphan-sweep-started');

/** Starts the periodic orphan sweep once per server process, when the store has one (PostgreSQL). */
export function startOrphanObjectSweep(): void {
  const holder = globalThis as unknown as Record<symbol, boolean | undefined>;
  // SQLite + files keeps no objects of its own to sweep; opening PostgreSQL here also migrates it at start.
  if (!getConfig().DATABASE_URL || holder[startedKey]) return;
  const store = getStore();
  if (!store.sweepOrphans) return;
  holder[startedKey] = true;
  const tick = () =>
    void sweepOrphanObjects(getStore(), Date.now(), getVideoStore()).catch((error: unknown) => log.error({ err: error }, 'store: orphan sweep failed; retried next time'));
  // First sweep a minute after start, not during the warm-up.
  setTimeout(tick, 60_000).unref();
  setInterval(tick, ORPHAN_SWEEP_INTERVAL_MS).unref();
}
