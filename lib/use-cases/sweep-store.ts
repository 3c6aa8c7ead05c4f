import { getConfig } from '../config';
import { killEngineWorker } from '../engine/worker-health';
import { log } from '../observability/log';
import { getStore } from '../store';
import { sweepOrphanObjects } from './sweep-orphan-objects';

const startedKey = Symbol.for('celebrity-finder.file-store-sweeper-started');

/**
 * The SQLite + files store's sweep (its sweepOrphans: photos and crops without a row, stale temporary files,
 * the files of deletes that had failed), at start and every STORE_SWEEP_INTERVAL_MINUTES, in each server
 * process (idempotent across pm2 workers). With DATABASE_URL, startOrphanObjectSweep (sweep-orphan-objects.ts)
 * sweeps the shared objects instead, one host at a time. A failed sweep is logged and tried again next time;
 * the timer never keeps a process alive.
 */
export function startFileStoreSweeper(): void {
  const holder = globalThis as unknown as Record<symbol, boolean | undefined>;
  const config = getConfig();
  if (config.DATABASE_URL || holder[startedKey]) return;
  holder[startedKey] = true;
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      await sweepOrphanObjects(getStore());
    } catch (error) {
      log.error({ err: error }, 'store sweep failed; retried at the next interval');
    } finally {
      running = false;
    }
  };
  void sweep();
  setInterval(() => void sweep(), config.STORE_SWEEP_INTERVAL_MINUTES * 60_000).unref();
}

/**
 * With ENGINE_FAULT_INJECTION=1, SIGUSR2 makes face-engine worker thread 0 die (once it is idle), the way a
 * thread dies of an error: for tests and fault drills of the engine's self-healing. Off by default.
 */
export function installFaultDrill(): void {
  if (getConfig().ENGINE_FAULT_INJECTION !== '1') return;
  log.warn('ENGINE_FAULT_INJECTION=1: SIGUSR2 kills a face-engine worker thread (fault drill); never set it in production');
  process.on('SIGUSR2', () => log.warn({ killed: killEngineWorker(0) }, 'fault drill: face engine worker thread 0 told to die'));
}
