import { watchShutdownSignals } from './lib/shutdown';

const warmUpTimeoutMs = 120_000;

/**
 * In production, loads the models and the gallery while Next prepares, before the first request.
 * server/start-standalone.mjs only listens (and tells pm2 'ready') after that, so `pm2 reload` sends
 * traffic to a new worker, and stops the old one, only once the new one can serve recognitions.
 */
export async function registerNodeServer(): Promise<void> {
  watchShutdownSignals();
  // Retention cleanup (RESULT_TTL_DAYS) runs in every server process; deletes are idempotent across workers.
  const { startSecurityTasks } = await import('./lib/security/server-start');
  startSecurityTasks();
  const warm = process.env.NODE_ENV === 'production' && process.env.WARM_UP !== '0' ? warmUp() : Promise.resolve();
  // start-standalone.mjs (outside the bundle) awaits this before it listens.
  (globalThis as unknown as Record<symbol, Promise<void>>)[Symbol.for('celebrity-finder.warm-up')] = warm;
  await warm;
}

/** Loads the recognizer once; a failure is logged and left to /api/health (503) rather than crashing the worker. */
async function warmUp(): Promise<void> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const { getRecognizer } = await import('./lib/recognizer');
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not ready after ${warmUpTimeoutMs} ms`)), warmUpTimeoutMs);
    });
    const recognizer = await Promise.race([getRecognizer(), timeout]);
    const native = recognizer.kind === 'local' ? await import('./lib/engine/native') : null;
    const decoder = native ? `, JPEG decoding through ${native.nativeJpeg ? 'libjpeg' : 'sharp'}, pixel loops in ${native.pixelKernelsIn}` : '';
    console.log(`warm-up: pid ${process.pid} recognizer ready in ${Date.now() - started} ms${decoder}`);
  } catch (error) {
    console.error(`warm-up: pid ${process.pid} recognizer failed to load; /api/health reports it`, error);
  } finally {
    clearTimeout(timer);
  }
}
