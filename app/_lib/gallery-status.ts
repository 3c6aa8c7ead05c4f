import 'server-only';
import { getRecognizer } from '@/lib/recognizer';

export type GalleryStatus = { kind: 'local' | 'rekognition'; celebrities: number | null } | null;

/**
 * What the recognizer knows, without holding a page hostage to model loading: null when it is not ready
 * within `waitMs` or failed to start (the page then simply shows no gallery notice).
 */
export async function getGalleryStatus(waitMs = 1_500): Promise<GalleryStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((done) => (timer = setTimeout(() => done(null), waitMs)));
  try {
    const recognizer = await Promise.race([getRecognizer(), timeout]);
    if (!recognizer) return null;
    const health = await recognizer.health();
    return { kind: recognizer.kind, celebrities: health.celebrities };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
