/**
 * npm run bench:load [-- --duration 60 --factor 4 --port 3420 --url http://127.0.0.1:3000]
 * Starts a production server (unless --url), measures the rate it sustains, then drives 4× that rate of
 * real-photo uploads for --duration seconds and prints throughput, accepted-latency percentiles and
 * answers by status. Exits 1 if any answer was >= 500 other than 503, or a connection failed.
 */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { measureSustainableRate, runLoad, type LoadFigures } from '../test/hardening/harness/load';
import { HARDENING_ROOT, startHardeningServer } from '../test/hardening/harness/server';

/** The load comes from one client at 4x what the server sustains: the per-client limits would answer it 429 instead of the queue. */
const UNLIMITED_CLIENT = { CLIENT_RECOGNITION_RATE: '0', CLIENT_MAX_IN_FLIGHT: '0', CLIENT_API_RATE: '0' };

/** Runs the load test against a fresh server (or `url`), returning the figures. */
export async function benchLoad(options: { durationS: number; factor: number; port: number; url?: string }): Promise<LoadFigures> {
  const concurrency = availableParallelism();
  const dataDir = join(HARDENING_ROOT, `load-${options.port}`);
  await rm(dataDir, { recursive: true, force: true });
  const app = options.url ? undefined : await startHardeningServer(options.port, dataDir, { RECOGNITION_CONCURRENCY: String(concurrency), ...UNLIMITED_CLIENT });
  const baseUrl = options.url ?? app!.baseUrl;
  try {
    const sustainableRate = await measureSustainableRate(baseUrl, concurrency);
    process.stderr.write(`sustainable ≈ ${sustainableRate.toFixed(2)} req/s; driving ${options.factor}× for ${options.durationS} s\n`);
    return await runLoad(baseUrl, { durationS: options.durationS, sustainableRate, factor: options.factor });
  } finally {
    await app?.stop();
  }
}

export function formatLoad(figures: LoadFigures): string {
  return [
    `target rate        ${figures.targetRate} req/s (${(figures.targetRate / figures.sustainableRate).toFixed(1)}× sustainable ${figures.sustainableRate} req/s) for ${figures.durationS} s`,
    `answered           ${figures.requests} (${figures.throughput} req/s), accepted ${figures.acceptedPerSecond} req/s`,
    `accepted latency   p50 ${figures.latencyAcceptedMs.p50} ms, p95 ${figures.latencyAcceptedMs.p95} ms, p99 ${figures.latencyAcceptedMs.p99} ms`,
    `by status          ${Object.entries(figures.byStatus).map(([status, count]) => `${status}: ${count}`).join(', ')}`,
    `connection errors  ${figures.connectionErrors} (timeouts ${figures.timeouts}); 5xx other than 503: ${figures.unexpected5xx}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { duration: { type: 'string', default: '60' }, factor: { type: 'string', default: '4' }, port: { type: 'string', default: '3420' }, url: { type: 'string' } },
  });
  const figures = await benchLoad({ durationS: Number(values.duration), factor: Number(values.factor), port: Number(values.port), url: values.url });
  console.log(formatLoad(figures));
  console.log(JSON.stringify(figures));
  process.exitCode = figures.unexpected5xx === 0 && figures.connectionErrors === 0 && figures.timeouts === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
