import 'server-only';
import { getConfig } from '../config';
import type { RecognizerKind } from '../contract/rekognition';
import { log } from '../observability/log';
import { metrics } from '../observability/metrics';
import { recognizerWithin } from '../recognizer';
import { engineWorkerHealth } from '../engine/worker-health';

export interface Health {
  /** `unavailable`: loaded, but a face-engine thread died and is being started again; 503 until it serves. */
  status: 'ok' | 'starting' | 'error' | 'unavailable';
  recognizer: RecognizerKind;
  gallery: { celebrities: number | null };
  /** The local engine's worker threads running with every net loaded, of how many (absent for Rekognition). */
  engine?: { workers: number; alive: number };
}

/**
 * Whether this process can recognize now and how many celebrities it knows: `starting` while models load
 * (waiting at most `waitMs`), `error` when loading failed. Also keeps the gallery-size metric current.
 */
export async function checkHealth(waitMs: number): Promise<Health> {
  const kind = getConfig().RECOGNIZER;
  try {
    const recognizer = await recognizerWithin(waitMs);
    if (!recognizer) return { status: 'starting', recognizer: kind, gallery: { celebrities: null } };
    const health = await recognizer.health();
    if (health.celebrities !== null) metrics().galleryPeople.set(health.celebrities);
    const gallery = { celebrities: health.celebrities };
    if (recognizer.kind !== 'local') return { status: health.ready ? 'ok' : 'starting', recognizer: recognizer.kind, gallery };
    // A dead worker thread is started again with its nets (lib/engine/worker-host.ts); until then recognitions wait or fail.
    const { workers, alive, serving } = engineWorkerHealth();
    const status = !health.ready ? 'starting' : serving ? 'ok' : 'unavailable';
    return { status, recognizer: recognizer.kind, gallery, engine: { workers, alive } };
  } catch (error) {
    log.error({ err: error }, 'health check failed');
    return { status: 'error', recognizer: kind, gallery: { celebrities: null } };
  }
}

/** This process's metrics in Prometheus's text format (the gallery size refreshed first, without waiting for models). */
export async function metricsText(): Promise<{ body: string; contentType: string }> {
  await checkHealth(0);
  const { registry } = metrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}
