import 'server-only';
import { getConfig, type AppConfig } from '../config';
import { getRecognitionQueue, withRecognitionQueue } from './queue';
import type { Recognizer } from './types';

const globalForRecognizer = globalThis as unknown as { celebrityRecognizer?: Promise<Recognizer> };

async function createRecognizer(config: AppConfig): Promise<Recognizer> {
  // One bounded queue per process in front of recognition: overload answers 503 instead of piling up.
  return withRecognitionQueue(await createBackend(config), getRecognitionQueue(config));
}

async function createBackend(config: AppConfig): Promise<Recognizer> {
  if (config.RECOGNIZER === 'rekognition') {
    const { createRekognitionRecognizer } = await import('./rekognition');
    return createRekognitionRecognizer(config);
  }
  const { createLocalRecognizer } = await import('./local');
  return createLocalRecognizer(config);
}

/** The process-wide recognizer chosen by RECOGNIZER; models and gallery load once per process (survives dev reloads). */
export function getRecognizer(): Promise<Recognizer> {
  globalForRecognizer.celebrityRecognizer ??= createRecognizer(getConfig()).catch((error: unknown) => {
    globalForRecognizer.celebrityRecognizer = undefined;
    throw error;
  });
  return globalForRecognizer.celebrityRecognizer;
}
