import { Counter, Gauge } from 'prom-client';
import { metrics } from './metrics';

/**
 * The counters of the per-client limits, deadlines, the engine's self-healing and the store's sweeps
 * (docs/deploy.md "Metrics"), on the process's one registry.
 */
function createRobustnessMetrics() {
  const registers = [metrics().registry];
  const engine = { read: (): { workers: number; alive: number } => ({ workers: 0, alive: 0 }) };
  return {
    rateLimited: new Counter({
      name: 'cf_rate_limited_total',
      help: 'Requests answered 429 by a per-client limit: api_rate (any API route), recognition_rate, in_flight (recognitions admitted at once).',
      labelNames: ['limit'] as const, registers,
    }),
    deadlineExceeded: new Counter({
      name: 'cf_recognition_deadline_total', help: 'Recognitions stopped at RECOGNITION_DEADLINE_MS (answered 504, slot freed).', registers,
    }),
    cancelled: new Counter({
      name: 'cf_recognition_cancelled_total', help: 'Recognitions whose client went away, by where they were: reading (body), waiting (for a slot) or running.',
      labelNames: ['stage'] as const, registers,
    }),
    bodyTimeouts: new Counter({ name: 'cf_upload_body_timeouts_total', help: 'Admitted uploads whose body did not arrive within BODY_READ_TIMEOUT_MS.', registers }),
    engine,
    workerRestarts: new Counter({ name: 'cf_engine_worker_restarts_total', help: 'Face-engine worker threads started again after one died.', registers }),
    workersAlive: new Gauge({
      name: 'cf_engine_workers_alive', help: 'Face-engine worker threads running with every net loaded.', registers,
      collect() { this.set(engine.read().alive); },
    }),
    thumbnailDecodes: new Counter({
      name: 'cf_thumbnail_decodes_total', help: 'Full-photo decodes made for face crops: at upload, or (results stored without crops) once on first view, admitted.',
      labelNames: ['when'] as const, registers,
    }),
    sweptFiles: new Counter({
      name: 'cf_store_swept_files_total', help: 'Files the store sweep removed: orphan (photo or crop without a result), temp (stale temporary file), deleted (a delete that had failed, retried).',
      labelNames: ['kind'] as const, registers,
    }),
    unlinkFailures: new Counter({ name: 'cf_store_unlink_failures_total', help: 'File removals that failed after their retries (the delete is retried by the sweep).', registers }),
  };
}

export type RobustnessMetrics = ReturnType<typeof createRobustnessMetrics>;

const holder = globalThis as unknown as { celebrityFinderRobustnessMetrics?: RobustnessMetrics };

export function robustnessMetrics(): RobustnessMetrics {
  holder.celebrityFinderRobustnessMetrics ??= createRobustnessMetrics();
  return holder.celebrityFinderRobustnessMetrics;
}
