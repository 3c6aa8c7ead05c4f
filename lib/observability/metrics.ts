import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds: from a cached page (5 ms) to a recognition that waited in the queue (30 s). */
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function createMetrics() {
  const registry = new Registry();
  // The admission queue reports its depth when scraped (set by lib/use-cases/admission; zero before).
  const admission = { read: (): { queued: number; running: number } => ({ queued: 0, running: 0 }) };
  // pm2 cluster workers answer /metrics in turn on the shared port: the label says which one did.
  registry.setDefaultLabels({ worker: process.env.NODE_APP_INSTANCE ?? '0' });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'cf_http_request_duration_seconds', help: 'API requests by route, method and status.',
      labelNames: ['route', 'method', 'status'] as const, buckets: latencyBuckets, registers,
    }),
    stageDuration: new Histogram({
      name: 'cf_recognition_stage_duration_seconds',
      help: 'Time per recognition stage: queue, recognize and store of an upload; decode, detect, landmarks, align, embed and attributes inside the engine.',
      labelNames: ['stage'] as const, buckets: latencyBuckets, registers,
    }),
    recognitions: new Counter({
      name: 'cf_recognitions_total', help: 'Recognitions by source (upload, rekognition_api) and outcome (named, unnamed, no_face, or the error code).',
      labelNames: ['source', 'outcome'] as const, registers,
    }),
    queueDepth: new Gauge({
      name: 'cf_admission_queued', help: 'Recognitions waiting for a slot.', registers,
      collect() { this.set(admission.read().queued); },
    }),
    inFlight: new Gauge({
      name: 'cf_admission_running', help: 'Recognitions running now.', registers,
      collect() { this.set(admission.read().running); },
    }),
    refused: new Counter({
      name: 'cf_admission_refused_total', help: 'Recognitions turned away by the admission queue (busy: line full; timeout: waited too long).',
      labelNames: ['reason'] as const, registers,
    }),
    admission,
    videoUploads: new Counter({
      name: 'cf_video_uploads_total', help: 'Video uploads by outcome (accepted, or the error code).', labelNames: ['outcome'] as const, registers,
    }),
    videoJobs: new Counter({
      name: 'cf_video_jobs_total', help: 'Video jobs ended, by outcome (done, failed, released: handed back at shutdown).', labelNames: ['outcome'] as const, registers,
    }),
    videoFrames: new Counter({ name: 'cf_video_frames_total', help: 'Video frames sampled and recognized.', registers }),
    videoSpeed: new Histogram({
      name: 'cf_video_speed_ratio', help: 'Seconds of video processed per second of work, per finished job (5 = five times real time).',
      buckets: [0.5, 1, 2, 3, 5, 8, 12, 20, 40], registers,
    }),
    galleryPeople: new Gauge({ name: 'cf_gallery_celebrities', help: 'Celebrities the recognizer knows (pack + operator gallery - opt-out); absent while it loads.', registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

// One registry per process, even when Next bundles this module into several chunks.
const holder = globalThis as unknown as { celebrityFinderMetrics?: Metrics };

export function metrics(): Metrics {
  holder.celebrityFinderMetrics ??= createMetrics();
  return holder.celebrityFinderMetrics;
}

/** Adds engine stage timings (milliseconds, as the engine reports them) to the stage histogram. */
export function observeStages(timingsMs: Readonly<Record<string, number>>): void {
  const { stageDuration } = metrics();
  // A stage that did not run (attributes on the web path) reports 0 ms: left out, not counted as instant.
  for (const [stage, ms] of Object.entries(timingsMs)) if (ms > 0) stageDuration.observe({ stage }, ms / 1000);
}
