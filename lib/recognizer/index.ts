import 'server-only';
import { getConfig, type AppConfig } from '../config';
import type { Recognizer } from './types';

export type { Recognizer, RecognizeOptions } from './types';
export type { RecognizerKind } from '../contract/rekognition';

const globalForRecognizer = globalThis as unknown as { celebrityRecognizer?: Promise<Recognizer> };

async function createRecognizer(config: AppConfig): Promise<Recognizer> {
  if (config.RECOGNIZER === 'rekognition') {
    const { createRekognitionRecognizer } = await import('./rekognition');
    return createRekognitionRecognizer(config);
  }
  const { createLocalRecognizer } = await import('./local');
  return createLocalRecognizer(config);
}

/**
 * The process-wide recognizer chosen by RECOGNIZER; models and gallery load once per process (survives dev
 * reloads). Recognitions go through lib/use-cases/admission, not straight here.
 */
export function getRecognizer(): Promise<Recognizer> {
  globalForRecognizer.celebrityRecognizer ??= createRecognizer(getConfig()).catch((error: unknown) => {
    globalForRecognizer.celebrityRecognizer = undefined;
    throw error;
  });
  return globalForRecognizer.celebrityRecognizer;
}

/**
 * The recognizer if it is ready within `ms`, else null (still loading). Pages and probes use it so a
 * request is never held hostage to model loading; a failed load still throws.
 */
export async function recognizerWithin(ms: number): Promise<Recognizer | null> {
  let timer: NodeJS.Timeout | undefined;
  const notReady = new Promise<null>((done) => (timer = setTimeout(done, ms, null)));
  try {
    return await Promise.race([getRecognizer(), notReady]);
  } finally {
    clearTimeout(timer);
  }
}
