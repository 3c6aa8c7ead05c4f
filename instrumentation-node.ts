import { watchShutdownSignals } from './lib/shutdown';

const warmUpTimeoutMs = 120_000;

/**
 * In production, loads the models and the gallery while Next prepares, before the first request.
 * server/start-standalone.mjs only listens (and tells pm2 'ready') after that, so `pm2 reload` sends
 * traffic to a new worker, and stops the old one, only once the new one can serve recognitions.
 */
export async function registerNodeServer(): Promise<void> {
  watchShutdownSignals();
  // Before the first request: every request then carries its TCP peer, for the per-client limits.
  const { installPeerAddressHeader } = await import('./lib/http/client-address');
  await installPeerAddressHeader();
  // Retention cleanup (RESULT_TTL_DAYS) ticks in every server process; with PostgreSQL one process of the
  // deployment sweeps at a time (an advisory lock), with SQLite deletes are idempotent across workers.
  const { startResultExpiry } = await import('./lib/use-cases/expire-results');
  startResultExpiry();
  // Video jobs queued or interrupted before this start are taken on (resumed from their stored frames).
  const { startVideoJobs } = await import('./lib/use-cases/video-jobs');
  startVideoJobs();
  // PostgreSQL + object storage: photos whose row never came (a crash in between) are swept, on one host at a time.
  const { startOrphanObjectSweep } = await import('./lib/use-cases/sweep-orphan-objects');
  startOrphanObjectSweep();
  // SQLite + files: photos without a result, stale temporary files, deletes that left a file: at start, then hourly.
  const { installFaultDrill, startFileStoreSweeper } = await import('./lib/use-cases/sweep-store');
  startFileStoreSweeper();
  installFaultDrill();
  await serveMetricsPort();
  const warm = process.env.NODE_ENV === 'production' && process.env.WARM_UP !== '0' ? warmUp() : Promise.resolve();
  // start-standalone.mjs (outside the bundle) awaits this before it listens.
  (globalThis as unknown as Record<symbol, Promise<void>>)[Symbol.for('celebrity-finder.warm-up')] = warm;
  await warm;
}

/** Loads the recognizer once; a failure is logged and left to /api/health (503) rather than crashing the worker. */
async function warmUp(): Promise<void> {
  const started = Date.now();
  const { log } = await import('./lib/observability/log');
  try {
    const { recognizerWithin } = await import('./lib/recognizer');
    const recognizer = await recognizerWithin(warmUpTimeoutMs);
    if (!recognizer) throw new Error(`not ready after ${warmUpTimeoutMs} ms`);
    const engine = recognizer.kind === 'local' ? await import('./lib/engine') : null;
    const kernels = engine ? { jpegDecoding: engine.jpegDecoder, pixelLoops: engine.pixelKernelsIn } : {};
    log.info({ recognizer: recognizer.kind, readyMs: Date.now() - started, ...kernels }, 'warm-up: recognizer ready');
  } catch (error) {
    log.error({ err: error }, 'warm-up: recognizer failed to load; /api/health reports it');
  }
}

/**
 * With METRICS_PORT set, each pm2 worker also serves /metrics on 127.0.0.1:METRICS_PORT+instance, so
 * Prometheus can scrape every worker (the shared app port answers from whichever worker gets the request).
 */
async function serveMetricsPort(): Promise<void> {
  const base = Number(process.env.METRICS_PORT ?? '');
  if (!Number.isInteger(base) || base <= 0) return;
  const port = base + Number(process.env.NODE_APP_INSTANCE ?? 0);
  const [{ createServer }, { metricsText }, { log }] = await Promise.all([import('node:http'), import('./lib/use-cases/health'), import('./lib/observability/log')]);
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') return void response.writeHead(404).end();
    metricsText().then(
      ({ body, contentType }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  server.on('error', (error) => log.error({ err: error, port }, 'metrics port not served'));
  server.listen(port, '127.0.0.1', () => log.info({ port }, 'metrics served on the metrics port'));
  server.unref();
}
