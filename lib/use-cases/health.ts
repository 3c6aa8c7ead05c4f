import 'server-only';
import { getConfig } from '../config';
import type { RecognizerKind } from '../contract/rekognition';
import { log } from '../observability/log';
import { metrics } from '../observability/metrics';
import { recognizerWithin } from '../recognizer';

export interface Health {
  status: 'ok' | 'starting' | 'error';
  recognizer: RecognizerKind;
  gallery: { celebrities: number | null };
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
    return { status: health.ready ? 'ok' : 'starting', recognizer: recognizer.kind, gallery: { celebrities: health.celebrities } };
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
