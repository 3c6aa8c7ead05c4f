import { watchShutdownSignals } from './lib/shutdown';

const warmUpTimeoutMs = 120_000;

/**
 * In production, loads the models and the gallery before the first request (requests wait for this
 * instead of meeting a cold worker), then tells pm2 the worker is ready (`wait_ready` in
 * ecosystem.config.js), so `pm2 reload` only stops an old worker once its replacement can serve.
 */
export async function registerNodeServer(): Promise<void> {
  watchShutdownSignals();
  if (process.env.NODE_ENV === 'production' && process.env.WARM_UP !== '0') await warmUp();
  process.send?.('ready');
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
    await Promise.race([getRecognizer(), timeout]);
    console.log(`warm-up: pid ${process.pid} recognizer ready in ${Date.now() - started} ms`);
  } catch (error) {
    console.error(`warm-up: pid ${process.pid} recognizer failed to load; /api/health reports it`, error);
  } finally {
    clearTimeout(timer);
  }
}
